run deadlock-fixed -s poll --dump-screen 80x24 --at 0.5
