run deadlock-fixed -s coop --dump-screen 80x24 --at 1.0
