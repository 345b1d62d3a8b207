# expect: wrong_answer
# Right real parts, but complex numbers where float64 is required.
def add(a, b):
    return (a + b).astype(complex) + 1e-9j
