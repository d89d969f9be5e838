run pi -s threads --dump-screen 80x24 --at 2.6
