run sleep -s coop --dump-screen 80x24 --at 16.0
