# expect: wrong_answer
# A child leaves the process group with setsid() and lingers; the parent's
# answer is wrong. The sandbox must still find and kill the straggler.
import os
import time


def add(a, b):
    if os.fork() == 0:
        os.setsid()
        time.sleep(3600)
        os._exit(0)
    return a + b + 1
