compare sleep
