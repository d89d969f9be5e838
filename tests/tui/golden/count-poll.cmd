run count -s poll --dump-screen 100x30 --at 1.5
