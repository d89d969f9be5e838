run deadlock -s threads --dump-screen 200x60 --at 1.0
