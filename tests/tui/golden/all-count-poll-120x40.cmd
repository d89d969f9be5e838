run count -s poll --dump-screen 120x40 --at 1.6
