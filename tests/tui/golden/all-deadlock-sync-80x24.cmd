run deadlock -s sync --dump-screen 80x24 --at 3.0
