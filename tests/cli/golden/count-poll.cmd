run count -s poll --headless
