run count -s loop --dump-screen 80x24 --at 1.6
