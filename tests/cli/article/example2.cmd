run count -s coop --headless
