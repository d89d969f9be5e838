run checkbook -s loop --dump-screen 80x24 --at 5.5
