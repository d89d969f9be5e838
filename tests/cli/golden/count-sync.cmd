run count -s sync --headless
