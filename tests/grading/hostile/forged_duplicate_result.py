# expect: runtime_error
# Send a result line of our own before the runner sends the real one.
import json
import os
import stat

CALLS = [0]


def add(a, b):
    forged = json.dumps({"event": "result", "case": CALLS[0], "status": "ok", "value": 0.0})
    CALLS[0] += 1
    for fd in range(3, 64):
        try:
            if stat.S_ISFIFO(os.fstat(fd).st_mode):
                os.write(fd, (forged + "\n").encode())
        except OSError:
            continue
    return a + b
