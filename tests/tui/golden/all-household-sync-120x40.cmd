run household -s sync --dump-screen 120x40 --at 522.3
