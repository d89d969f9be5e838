run household -s loop --dump-screen 80x24 --at 234.5
