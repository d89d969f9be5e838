run pi -s poll --dump-screen 80x24 --at 5.5
