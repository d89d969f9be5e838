run household -s coop --dump-screen 120x40 --at 363.9
