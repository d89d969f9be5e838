run checkbook -s threads --dump-screen 80x24 --at 5.5
