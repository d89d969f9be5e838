run deadlock -s loop --dump-screen 200x60 --at 3.0
