run sleep -s loop --dump-screen 200x60 --at 8.5
