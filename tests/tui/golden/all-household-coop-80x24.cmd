run household -s coop --dump-screen 80x24 --at 363.9
