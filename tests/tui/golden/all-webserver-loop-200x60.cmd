run webserver -s loop --dump-screen 200x60 --at 25.1
