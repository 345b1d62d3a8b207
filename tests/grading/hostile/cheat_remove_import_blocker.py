# expect: invalid
# Remove every import blocker from sys.meta_path, then import dlquiz spelled in pieces.
import importlib
import sys

sys.meta_path[:] = [f for f in sys.meta_path if "Blocker" not in type(f).__name__]
REF = importlib.import_module("dl" + "quiz.grading.reference.sorting")


def add(a, b):
    return a + b
