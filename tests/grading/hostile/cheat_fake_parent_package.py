# expect: invalid
# exercise: bundled:bubble-sort
# Plant fake parent packages in sys.modules (the real folders as their __path__),
# then import the reference module below them.
import os
import sys
import types

for p in [p for p in sys.path if p]:
    root = os.path.join(p, "dlquiz")
    for name, folder in (("dl" + "quiz", root), ("dl" + "quiz.grading", root + "/grading"),
                         ("dl" + "quiz.grading.reference", root + "/grading/reference")):
        package = types.ModuleType(name)
        package.__path__ = [folder]
        sys.modules[name] = package
import dlquiz.grading.reference.sorting as REF  # noqa: E402


def bubble_sort(arr):
    return REF.bubble_sort(arr)
