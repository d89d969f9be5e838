run pi -s coop --dump-screen 80x24 --at 5.0
