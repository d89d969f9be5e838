run household -s sync --dump-screen 200x60 --at 522.3
