run checkbook -s threads --dump-screen 200x60 --at 5.5
