run count -s loop --dump-screen 100x30 --at 1.5
