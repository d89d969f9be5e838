run webserver -s sync --dump-screen 200x60 --at 60.2
