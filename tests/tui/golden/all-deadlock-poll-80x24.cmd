run deadlock -s poll --dump-screen 80x24 --at 1.5
