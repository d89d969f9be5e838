run http -s sync --dump-screen 200x60 --at 1.6
