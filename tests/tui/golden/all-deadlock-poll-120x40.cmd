run deadlock -s poll --dump-screen 120x40 --at 1.5
