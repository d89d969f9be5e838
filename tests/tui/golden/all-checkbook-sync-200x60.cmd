run checkbook -s sync --dump-screen 200x60 --at 5.5
