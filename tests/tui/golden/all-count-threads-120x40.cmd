run count -s threads --dump-screen 120x40 --at 1.6
