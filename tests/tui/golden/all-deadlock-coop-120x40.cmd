run deadlock -s coop --dump-screen 120x40 --at 2.0
