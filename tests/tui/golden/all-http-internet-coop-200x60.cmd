run http-internet -s coop --dump-screen 200x60 --at 1.6
