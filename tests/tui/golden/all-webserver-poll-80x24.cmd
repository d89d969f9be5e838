run webserver -s poll --dump-screen 80x24 --at 25.1
