run count -s threads --dump-screen 100x30 --at 1.5
