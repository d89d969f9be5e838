run deadlock-fixed -s coop --dump-screen 120x40 --at 1.0
