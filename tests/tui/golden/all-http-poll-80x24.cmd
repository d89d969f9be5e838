run http -s poll --dump-screen 80x24 --at 2.0
