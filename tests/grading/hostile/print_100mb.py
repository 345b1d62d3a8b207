# expect: runtime_error
import sys


def add(a, b):
    line = "x" * 1023
    for _ in range(100 * 1024):
        print(line)
    return a + b
