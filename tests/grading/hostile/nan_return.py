# expect: wrong_answer
import numpy as np


def add(a, b):
    return np.full(a.shape, np.nan)
