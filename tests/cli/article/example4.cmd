run sleep -s loop --headless
