run deadlock-fixed -s poll --dump-screen 120x40 --at 0.5
