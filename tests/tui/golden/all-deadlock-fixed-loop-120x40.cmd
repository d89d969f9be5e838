run deadlock-fixed -s loop --dump-screen 120x40 --at 3.0
