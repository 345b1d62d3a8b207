# expect: invalid
# Look for the runner's private objects through the garbage collector.
import gc

FOUND = [o for o in gc.get_objects() if type(o).__name__ == "function"]


def add(a, b):
    return a + b
