# expect: runtime_error
# exercise: bundled:bubble-sort
# The runner's own path used to be in sys.argv; the reference sat next to it.
import os
import sys

HERE = os.path.dirname(os.path.abspath(sys.argv[0]))
with open(os.path.join(os.path.dirname(HERE), "reference", "sorting.py")) as fh:
    NAMESPACE = {}
    exec(fh.read(), NAMESPACE)


def bubble_sort(arr):
    return NAMESPACE["bubble_sort"](arr)
