# expect: invalid
# exercise: fx-sort
# heapq's C accelerator under its own name.
import importlib


def sort_list(xs):
    h = importlib.import_module("_he" + "apq")
    xs = list(xs)
    h.heapify(xs)
    return [h.heappop(xs) for _ in range(len(xs))]
