# expect: invalid
# List the reference folder to find the file names.
import os
import sys

# where dlquiz lives: any sys.path entry with a dlquiz/grading folder (a cheater knows this)
CANDIDATES = [os.path.join(p, "dlquiz") for p in sys.path if p]

for root in CANDIDATES:
    try:
        NAMES = os.listdir(os.path.join(root, "grading", "reference"))
        break
    except (FileNotFoundError, PermissionError, NotADirectoryError):
        continue


def add(a, b):
    return a + b
