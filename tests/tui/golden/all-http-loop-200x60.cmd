run http -s loop --dump-screen 200x60 --at 0.8
