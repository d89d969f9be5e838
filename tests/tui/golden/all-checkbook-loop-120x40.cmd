run checkbook -s loop --dump-screen 120x40 --at 5.5
