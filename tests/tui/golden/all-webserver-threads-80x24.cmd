run webserver -s threads --dump-screen 80x24 --at 25.1
