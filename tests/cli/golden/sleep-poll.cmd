run sleep -s poll --headless
