# expect: invalid
# exercise: fx-sort
def sort_list(xs):
    h = __import__("hea" + "pq")
    h.heapify(xs)
    return [h.heappop(xs) for _ in range(len(xs))]
