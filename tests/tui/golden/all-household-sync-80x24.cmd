run household -s sync --dump-screen 80x24 --at 522.3
