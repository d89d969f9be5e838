run deadlock -s threads --dump-screen 120x40 --at 1.0
