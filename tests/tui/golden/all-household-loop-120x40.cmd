run household -s loop --dump-screen 120x40 --at 234.5
