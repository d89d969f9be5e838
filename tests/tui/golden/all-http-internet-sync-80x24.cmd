run http-internet -s sync --dump-screen 80x24 --at 1.6
