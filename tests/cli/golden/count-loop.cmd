run count -s loop --headless
