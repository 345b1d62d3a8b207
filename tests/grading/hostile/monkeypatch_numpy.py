# expect: wrong_answer
import numpy as np

np.allclose = lambda *args, **kwargs: True
np.array_equal = lambda *args, **kwargs: True
np.isclose = lambda a, b, **kwargs: np.ones(np.shape(a), dtype=bool)


def add(a, b):
    return np.zeros_like(a)
