run webserver -s coop --dump-screen 200x60 --at 60.2
