compare count --json
