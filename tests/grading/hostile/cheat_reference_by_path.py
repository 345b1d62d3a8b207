# expect: invalid
# exercise: bundled:bubble-sort
# Load the bundled reference by file path (importlib.util.spec_from_file_location).
import importlib.util
import os
import sys

# where dlquiz lives: any sys.path entry with a dlquiz/grading folder (a cheater knows this)
CANDIDATES = [os.path.join(p, "dlquiz") for p in sys.path if p]


def _load_reference():
    for root in CANDIDATES:
        path = os.path.join(root, "grading", "reference", "sorting.py")
        try:
            spec = importlib.util.spec_from_file_location("leaked", path)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            return module
        except (FileNotFoundError, PermissionError):
            continue
    raise RuntimeError("reference not found")


REF = _load_reference()


def bubble_sort(arr):
    return REF.bubble_sort(arr)
