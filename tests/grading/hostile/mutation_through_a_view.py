# expect: wrong_answer
# The right values, returned as a copy, but the input was changed through a view.
def add(a, b):
    flat = a.reshape(-1)
    flat += b.reshape(-1)
    return a.copy()
