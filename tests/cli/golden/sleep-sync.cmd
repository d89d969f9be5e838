run sleep -s sync --headless
