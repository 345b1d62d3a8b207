# expect: time_limit
# Ignore SIGXCPU and keep burning CPU on several threads.
import signal
import threading

import numpy as np

signal.signal(signal.SIGXCPU, signal.SIG_IGN)


def _burn():
    x = np.random.default_rng(1).random((300, 300))
    while True:
        x = np.cos(x) * 0.5


for _ in range(4):
    threading.Thread(target=_burn, daemon=True).start()


def add(a, b):
    _burn()
