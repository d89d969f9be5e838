run sleep -s sync --dump-screen 120x40 --at 16.0
