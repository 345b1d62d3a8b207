# expect: wrong_answer
class AlwaysEqual:
    def __eq__(self, other):
        return True

    def __array__(self, *args, **kwargs):
        raise RuntimeError("no")


def add(a, b):
    return AlwaysEqual()
