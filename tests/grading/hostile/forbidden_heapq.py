# expect: invalid
# exercise: fx-sort
import heapq


def sort_list(xs):
    heapq.heapify(xs)
    return [heapq.heappop(xs) for _ in range(len(xs))]
