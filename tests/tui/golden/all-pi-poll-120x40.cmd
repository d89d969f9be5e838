run pi -s poll --dump-screen 120x40 --at 5.5
