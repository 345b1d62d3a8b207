# expect: invalid
# exercise: fx-sort
import builtins


def sort_list(xs):
    return vars(builtins)["sor" + "ted"](xs)
