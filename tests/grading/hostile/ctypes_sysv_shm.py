# expect: invalid
# A SysV shared-memory segment (it would outlive the run) through ctypes.
import ctypes

libc = ctypes.CDLL(None)
SEGMENT = libc.shmget(0, 1 << 20, 0o1600)


def add(a, b):
    return a + b
