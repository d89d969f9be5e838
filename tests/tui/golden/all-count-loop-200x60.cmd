run count -s loop --dump-screen 200x60 --at 1.6
