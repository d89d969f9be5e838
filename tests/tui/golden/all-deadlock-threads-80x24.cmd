run deadlock -s threads --dump-screen 80x24 --at 1.0
