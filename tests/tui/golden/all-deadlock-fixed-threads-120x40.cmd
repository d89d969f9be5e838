run deadlock-fixed -s threads --dump-screen 120x40 --at 3.0
