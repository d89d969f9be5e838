run pi -s poll --dump-screen 200x60 --at 5.5
