# expect: wrong_answer
# Plant symlinks where the parent writes the next case files, pointing at a file
# outside the sandbox: the parent must not follow them (the test checks the target).
import os

TARGET = "/tmp/dlquiz-hostile-leftover"
for index in range(1, 20):
    try:
        os.symlink(TARGET, f"case-{index}.json")
    except OSError:
        pass


def add(a, b):
    return a - b
