# expect: invalid
# exercise: fx-sort
import importlib


def sort_list(xs):
    h = importlib.import_module("he" + "apq")
    return h.nsmallest(len(xs), xs)
