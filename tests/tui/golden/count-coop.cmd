run count -s coop --dump-screen 100x30 --at 1.5
