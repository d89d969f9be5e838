run http -s loop --dump-screen 120x40 --at 0.8
