# expect: wrong_answer
# A deeply nested list used to crash the summariser with RecursionError.
def add(a, b):
    value = [1.0]
    for _ in range(20000):
        value = [value]
    return value
