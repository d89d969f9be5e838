run sleep -s coop --headless --json
