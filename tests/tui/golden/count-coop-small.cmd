run count -s coop --dump-screen 40x12 --at 1
