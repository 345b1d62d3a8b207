# expect: memory_limit
import numpy as np


def add(a, b):
    hog = np.ones(8 * 1024**3 // 8)  # 8 GiB of float64
    return a + b + hog[: a.size] - 1
