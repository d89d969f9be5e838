run http-internet -s loop --dump-screen 120x40 --at 0.8
