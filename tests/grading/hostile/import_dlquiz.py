# expect: invalid
from dlquiz.grading.reference import detection


def add(a, b):
    return a + b
