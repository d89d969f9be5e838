run webserver -s coop --dump-screen 120x40 --at 60.2
