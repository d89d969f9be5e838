run sleep -s poll --headless --summary --poll-interval 4
