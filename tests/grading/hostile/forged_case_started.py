# expect: runtime_error
# exercise: fx-sort
# Write a forged "case started" line to every pipe, hoping to reset the parent's clock.
import json
import os
import stat
import time


def _forge(index):
    for fd in range(3, 64):
        try:
            if stat.S_ISFIFO(os.fstat(fd).st_mode):
                os.write(fd, (json.dumps({"event": "start", "case": index}) + "\n").encode())
        except OSError:
            continue


def sort_list(xs):
    _forge(0)
    if len(xs) > 10000:
        time.sleep(0.5)
    out = []
    for x in xs:
        i = len(out)
        while i > 0 and out[i - 1] > x:
            i -= 1
        out.insert(i, x)
    return out
