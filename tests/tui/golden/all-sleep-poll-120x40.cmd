run sleep -s poll --dump-screen 120x40 --at 9.0
