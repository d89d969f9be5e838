run sleep -s loop --headless --summary
