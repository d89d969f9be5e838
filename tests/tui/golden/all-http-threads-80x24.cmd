run http -s threads --dump-screen 80x24 --at 0.8
