# expect: time_limit
# Several threads burning CPU in NumPy (the GIL is released): CPU time outruns the wall clock.
import threading

import numpy as np


def _burn():
    x = np.random.default_rng(0).random((300, 300))
    while True:
        x = np.sin(x) + 0.5


for _ in range(4):
    threading.Thread(target=_burn, daemon=True).start()


def add(a, b):
    _burn()
