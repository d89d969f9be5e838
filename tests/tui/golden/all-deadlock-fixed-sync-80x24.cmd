run deadlock-fixed -s sync --dump-screen 80x24 --at 3.0
