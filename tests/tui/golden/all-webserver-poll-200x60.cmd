run webserver -s poll --dump-screen 200x60 --at 25.1
