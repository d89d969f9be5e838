run checkbook -s coop --dump-screen 200x60 --at 5.5
