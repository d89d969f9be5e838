run sleep -s threads --dump-screen 80x24 --at 8.5
