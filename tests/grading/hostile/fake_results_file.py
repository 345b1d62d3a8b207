# expect: runtime_error
# Writes a fake results file, then a fake "done" event into every open fd,
# hoping to hit the results pipe before any real result is sent.
import json
import os

with open("results.json", "w") as fh:
    json.dump({"verdict": "pass", "passed": 5, "total": 5}, fh)
for fd in range(3, 64):
    try:
        os.write(fd, b'{"event": "done"}\n')
    except OSError:
        pass


def add(a, b):
    return a + b
