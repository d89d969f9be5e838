run sleep -s poll --dump-screen 80x24 --at 9.0
