run sleep -s threads --dump-screen 200x60 --at 8.5
