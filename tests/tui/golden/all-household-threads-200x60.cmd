run household -s threads --dump-screen 200x60 --at 222.3
