run checkbook -s poll --dump-screen 200x60 --at 5.5
