run pi -s threads --dump-screen 200x60 --at 2.6
