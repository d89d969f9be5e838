run count -s poll --dump-screen 200x60 --at 1.6
