# expect: invalid
# exercise: fx-sort
def sort_list(xs):
    xs.sort()
