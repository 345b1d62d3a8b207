# expect: invalid
# exercise: fx-sort
# A parameter named like the forbidden builtin passes the static check (a name the
# learner defines is theirs); its default is still the guarded builtin at run time.
def sort_list(xs, sorted=sorted):
    return sorted(xs)
