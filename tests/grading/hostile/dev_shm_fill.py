# expect: runtime_error
# /dev/shm is RAM outside the address-space limit: try to fill it.
def add(a, b):
    with open("/dev/shm/dlquiz-hostile-fill", "wb") as fh:
        for _ in range(256):
            fh.write(b"x" * (1 << 20))
    return a + b
