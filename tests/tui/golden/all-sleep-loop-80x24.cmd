run sleep -s loop --dump-screen 80x24 --at 8.5
