run pi -s sync --dump-screen 80x24 --at 5.0
