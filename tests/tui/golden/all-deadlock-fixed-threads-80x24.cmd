run deadlock-fixed -s threads --dump-screen 80x24 --at 3.0
