run count -s threads --dump-screen 80x24 --at 1.6
