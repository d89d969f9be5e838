run http -s poll --dump-screen 120x40 --at 2.0
