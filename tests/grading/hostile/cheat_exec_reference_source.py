# expect: invalid
# exercise: bundled:bubble-sort
# Read the reference's source from the install and exec it.
import os
import sys

# where dlquiz lives: any sys.path entry with a dlquiz/grading folder (a cheater knows this)
CANDIDATES = [os.path.join(p, "dlquiz") for p in sys.path if p]

NAMESPACE = {}
for root in CANDIDATES:
    try:
        with open(os.path.join(root, "grading", "reference", "sorting.py")) as fh:
            exec(fh.read(), NAMESPACE)
        break
    except (FileNotFoundError, PermissionError):
        continue


def bubble_sort(arr):
    return NAMESPACE["bubble_sort"](arr)
