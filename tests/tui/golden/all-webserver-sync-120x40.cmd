run webserver -s sync --dump-screen 120x40 --at 60.2
