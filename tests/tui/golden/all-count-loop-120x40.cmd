run count -s loop --dump-screen 120x40 --at 1.6
