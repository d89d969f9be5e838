run pi -s sync --dump-screen 120x40 --at 5.0
