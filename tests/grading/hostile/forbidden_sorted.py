# expect: invalid
# exercise: fx-sort
def sort_list(xs):
    return sorted(xs)
