run webserver -s loop --dump-screen 120x40 --at 25.1
