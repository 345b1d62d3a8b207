# expect: invalid
# fx-add takes (a, b): a function that accepts one positional argument cannot be called.
def add(x):
    return x + x
