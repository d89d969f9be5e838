run deadlock -s coop --dump-screen 80x24 --at 2.0
