run household -s threads --dump-screen 120x40 --at 222.3
