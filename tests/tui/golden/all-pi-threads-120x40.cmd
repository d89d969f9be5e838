run pi -s threads --dump-screen 120x40 --at 2.6
