run webserver -s threads --dump-screen 200x60 --at 25.1
