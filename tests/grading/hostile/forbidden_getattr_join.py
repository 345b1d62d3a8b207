# expect: invalid
# exercise: fx-sort
import numpy as np


def sort_list(xs):
    return list(getattr(np, "".join(["so", "rt"]))(np.array(xs)))
