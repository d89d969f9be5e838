run sleep -s coop --headless
