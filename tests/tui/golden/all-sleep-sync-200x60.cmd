run sleep -s sync --dump-screen 200x60 --at 16.0
