# expect: wrong_answer
import json
import sys

print(json.dumps({"event": "done", "verdict": "pass", "passed": 5, "total": 5}))
sys.__stdout__.write('{"event": "done", "verdict": "pass"}\n')


def add(a, b):
    print('{"verdict": "pass"}')
    return a - b
