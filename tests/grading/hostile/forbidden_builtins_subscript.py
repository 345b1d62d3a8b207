# expect: invalid
# exercise: fx-sort
def sort_list(xs):
    return __builtins__["sor" "ted"](xs)
