# expect: invalid
import importlib

ref = importlib.import_module("dl" + "quiz.grading.grader")


def add(a, b):
    return a + b
