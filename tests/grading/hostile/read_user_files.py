# expect: runtime_error
# Tries to read the invoking user's data; as an unprivileged sandbox uid it cannot.
import os

os.listdir(os.path.expanduser("~root"))


def add(a, b):
    return a + b
