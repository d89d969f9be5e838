run webserver -s sync --dump-screen 80x24 --at 60.2
