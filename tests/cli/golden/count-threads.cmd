run count -s threads --headless
