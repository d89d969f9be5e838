run sleep -s loop --dump-screen 120x40 --at 8.5
