run http-internet -s poll --dump-screen 200x60 --at 2.0
