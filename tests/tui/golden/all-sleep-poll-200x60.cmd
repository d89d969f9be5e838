run sleep -s poll --dump-screen 200x60 --at 9.0
