run count -s threads --headless --summary --quantum 0.5
