run pi -s coop --dump-screen 120x40 --at 5.0
