# expect: wrong_answer
# Leave files in every shared temp folder and a POSIX shared-memory block (a file in
# /dev/shm, mapped). The test checks that none of it survives the run.
import mmap
import os

for folder in ("/tmp", "/var/tmp", "/dev/shm"):
    try:
        with open(f"{folder}/dlquiz-hostile-leftover", "w") as fh:
            fh.write("still here?")
    except OSError:
        pass
FD = os.open("/dev/shm/dlquiz-hostile-shm", os.O_CREAT | os.O_RDWR, 0o600)
os.ftruncate(FD, 1 << 16)
BLOCK = mmap.mmap(FD, 1 << 16)


def add(a, b):
    return a - b
