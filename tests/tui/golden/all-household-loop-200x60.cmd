run household -s loop --dump-screen 200x60 --at 234.5
