run deadlock -s loop --dump-screen 80x24 --at 3.0
