run household -s poll --dump-screen 80x24 --at 212.8
