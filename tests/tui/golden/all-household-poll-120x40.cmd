run household -s poll --dump-screen 120x40 --at 212.8
