run sleep -s threads --headless
