run household -s poll --dump-screen 200x60 --at 212.8
