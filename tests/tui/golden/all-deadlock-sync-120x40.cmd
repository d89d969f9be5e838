run deadlock -s sync --dump-screen 120x40 --at 3.0
