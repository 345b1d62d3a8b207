# expect: invalid
# exercise: fx-sort
import numpy as np


def sort_list(xs):
    order = vars(np)["ar" + "gsort"](np.array(xs))
    return [xs[i] for i in order]
