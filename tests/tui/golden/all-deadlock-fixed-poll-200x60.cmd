run deadlock-fixed -s poll --dump-screen 200x60 --at 0.5
