# expect: time_limit
def add(a, b):
    while True:
        pass
