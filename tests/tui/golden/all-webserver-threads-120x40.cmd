run webserver -s threads --dump-screen 120x40 --at 25.1
