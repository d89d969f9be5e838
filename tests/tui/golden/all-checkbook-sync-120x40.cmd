run checkbook -s sync --dump-screen 120x40 --at 5.5
