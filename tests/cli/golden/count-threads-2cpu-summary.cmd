run count -s threads --cpus 2 --headless --summary
