# expect: wrong_answer
# exercise: bundled:dropout
# A tuple of arrays of different lengths used to crash the dropout checker.
import numpy as np


def dropout(x, p=0.5, training=True, rng_seed=None):
    return (np.zeros(3), np.zeros(5))
