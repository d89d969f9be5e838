run sleep -s coop --dump-screen 120x40 --at 16.0
