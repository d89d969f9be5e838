run sleep -s threads --dump-screen 120x40 --at 8.5
