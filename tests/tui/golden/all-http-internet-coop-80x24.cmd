run http-internet -s coop --dump-screen 80x24 --at 1.6
