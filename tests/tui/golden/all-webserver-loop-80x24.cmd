run webserver -s loop --dump-screen 80x24 --at 25.1
