run http-internet -s threads --dump-screen 120x40 --at 0.8
