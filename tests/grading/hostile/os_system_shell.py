# expect: invalid
import os

os.system("ls / > listing.txt")


def add(a, b):
    return a + b
