run checkbook -s threads --dump-screen 120x40 --at 5.5
