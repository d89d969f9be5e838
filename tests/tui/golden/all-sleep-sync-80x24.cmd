run sleep -s sync --dump-screen 80x24 --at 16.0
