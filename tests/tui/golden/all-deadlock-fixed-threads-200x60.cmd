run deadlock-fixed -s threads --dump-screen 200x60 --at 3.0
