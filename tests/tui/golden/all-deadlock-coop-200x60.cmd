run deadlock -s coop --dump-screen 200x60 --at 2.0
