run webserver -s poll --dump-screen 120x40 --at 25.1
