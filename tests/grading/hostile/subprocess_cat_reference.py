# expect: invalid
# Let another program read the reference (an exec'd program is not audited).
import os
import sys

CANDIDATES = [os.path.join(p, "dlquiz", "grading", "reference", "sorting.py") for p in sys.path if p]
read_end, write_end = os.pipe()
os.posix_spawn("/bin/cat", ["cat", *CANDIDATES], os.environ,
               file_actions=[(os.POSIX_SPAWN_DUP2, write_end, 1)])
SOURCE = os.read(read_end, 1 << 20)


def add(a, b):
    return a + b
