run household -s threads --dump-screen 80x24 --at 222.3
