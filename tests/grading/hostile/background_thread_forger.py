# expect: runtime_error
# A background thread keeps writing garbage to every pipe while the cases run.
import os
import stat
import threading
import time


def _spam():
    while True:
        for fd in range(3, 64):
            try:
                if stat.S_ISFIFO(os.fstat(fd).st_mode):
                    os.write(fd, b'{"event": "done"}\n')
            except OSError:
                continue
        time.sleep(0.001)


threading.Thread(target=_spam, daemon=True).start()


def add(a, b):
    time.sleep(0.01)
    return a + b
