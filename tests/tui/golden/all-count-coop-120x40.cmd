run count -s coop --dump-screen 120x40 --at 1.6
