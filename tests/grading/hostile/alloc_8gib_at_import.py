# expect: memory_limit
hog = bytearray(8 * 1024**3)


def add(a, b):
    return a + b
