run household -s coop --dump-screen 200x60 --at 363.9
