# expect: invalid
# Drop the stand-in from sys.modules and import through importlib's private entry point.
import importlib._bootstrap
import sys

sys.modules.pop("dl" + "quiz", None)
importlib._bootstrap._gcd_import("dl" + "quiz.grading.grader")


def add(a, b):
    return a + b
