run count -s sync --dump-screen 100x30 --at 1.5
