run http -s loop --dump-screen 80x24 --at 0.8
