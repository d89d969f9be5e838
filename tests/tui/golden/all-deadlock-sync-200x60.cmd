run deadlock -s sync --dump-screen 200x60 --at 3.0
