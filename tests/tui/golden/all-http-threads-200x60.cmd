run http -s threads --dump-screen 200x60 --at 0.8
