run deadlock-fixed -s coop --dump-screen 200x60 --at 1.0
