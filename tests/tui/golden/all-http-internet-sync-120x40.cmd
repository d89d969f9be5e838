run http-internet -s sync --dump-screen 120x40 --at 1.6
