# expect: wrong_answer
# An int too large for JSON's number text.
def add(a, b):
    return 10 ** 5000
