run webserver -s coop --dump-screen 80x24 --at 60.2
