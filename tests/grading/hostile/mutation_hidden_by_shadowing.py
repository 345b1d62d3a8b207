# expect: wrong_answer
# Modify an input in place, and shadow json.dumps(sort_keys=True), which the old
# in-child mutation check compared with.
import json

_plain = json.dumps


def _same(obj, *args, **kwargs):
    if kwargs.get("sort_keys"):
        return "same"
    return _plain(obj, *args, **kwargs)


json.dumps = _same


def add(a, b):
    a += b
    return a
