run pi -s loop --dump-screen 80x24 --at 5.0
