run sleep -s coop --dump-screen 200x60 --at 16.0
