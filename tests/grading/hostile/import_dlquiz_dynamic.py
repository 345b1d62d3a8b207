# expect: runtime_error
import importlib

ref = importlib.import_module("dl" + "quiz.grading.grader")


def add(a, b):
    return a + b
