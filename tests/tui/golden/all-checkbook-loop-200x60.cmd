run checkbook -s loop --dump-screen 200x60 --at 5.5
