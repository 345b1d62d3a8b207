# expect: invalid
# exercise: fx-sort
# Remove the stand-in module and load the real one through importlib's private entry point.
import importlib._bootstrap
import sys


def sort_list(xs):
    sys.modules.pop("heap" + "q", None)
    h = importlib._bootstrap._gcd_import("heap" + "q")
    return h.nsmallest(len(xs), xs)
