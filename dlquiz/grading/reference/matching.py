"""Descriptor matching: brute force, cross-check (握手匹配) and Lowe's ratio test.

Conventions shared by the three exercises (OpenCV ``BFMatcher`` semantics):

* ``desc1`` is ``(N, D)`` (queries), ``desc2`` is ``(M, D)`` (train set).
* ``metric="l2"``: Euclidean distance (not squared, like ``NORM_L2``) on float
  descriptors. ``metric="hamming"``: descriptors are ``uint8`` bytes (ORB,
  BRIEF) and the distance is the number of differing *bits*
  (``NORM_HAMMING``). Distances are returned as float64.
* Ties: the **lowest index** wins (what ``np.argmin`` does). The l2 cases use
  integer-valued descriptors (like SIFT's 0..255 bins), so every squared
  distance is an exact integer and a tie is a tie whichever formula computes it.
* Pairs are int64 arrays of shape ``(K, 2)``, rows ``(i, j)`` sorted by ``i``
  (each query appears at most once); no pairs gives shape ``(0, 2)``.

``match_cross_check`` keeps ``(i, j)`` only when j is i's nearest neighbour in
desc2 **and** i is j's nearest neighbour in desc1 (``crossCheck=True``).
``match_ratio_test`` keeps ``(i, j)`` when ``d1 < ratio · d2`` (strict), d1 and
d2 being the distances to the nearest and second-nearest *descriptor* (a
duplicate of the nearest counts as the second, so ambiguous matches are
rejected); with fewer than two descriptors in desc2 there is no second
neighbour and no pair is kept. Checked exactly (indices) and with rtol 1e-9
(distances).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]


def pairwise_distances(desc1: npt.ArrayLike, desc2: npt.ArrayLike, metric: str = "l2") -> F64:
    """``(N, M)`` distances between every query and every train descriptor."""
    if metric == "hamming":
        a = np.asarray(desc1, dtype=np.uint8)
        b = np.asarray(desc2, dtype=np.uint8)
        bits = np.unpackbits(a[:, None, :] ^ b[None, :, :], axis=-1)
        counts: F64 = bits.sum(axis=-1, dtype=np.int64).astype(np.float64)
        return counts
    if metric != "l2":
        raise ValueError(f"metric must be 'l2' or 'hamming', got {metric!r}")
    x = np.asarray(desc1, dtype=np.float64)
    y = np.asarray(desc2, dtype=np.float64)
    diff = x[:, None, :] - y[None, :, :]
    dist: F64 = np.sqrt(np.einsum("nmd,nmd->nm", diff, diff))
    return dist


def match_brute_force(
    desc1: npt.ArrayLike, desc2: npt.ArrayLike, metric: str = "l2"
) -> tuple[I64, F64]:
    """For each query: ``(index of its nearest train descriptor, that distance)``."""
    dist = pairwise_distances(desc1, desc2, metric)
    if dist.shape[1] == 0:
        raise ValueError("desc2 is empty: there is nothing to match against")
    nearest = np.argmin(dist, axis=1).astype(np.int64)
    return nearest, dist[np.arange(len(dist)), nearest]


def _pairs(rows: npt.NDArray[np.bool_], cols: I64) -> I64:
    i = np.flatnonzero(rows).astype(np.int64)
    return np.stack([i, cols[i]], axis=1).reshape(-1, 2)


def match_cross_check(desc1: npt.ArrayLike, desc2: npt.ArrayLike, metric: str = "l2") -> I64:
    """Mutual nearest neighbours ``(i, j)``, sorted by i."""
    dist = pairwise_distances(desc1, desc2, metric)
    if 0 in dist.shape:
        return np.zeros((0, 2), dtype=np.int64)
    forward = np.argmin(dist, axis=1).astype(np.int64)     # i -> j
    backward = np.argmin(dist, axis=0).astype(np.int64)    # j -> i
    mutual = backward[forward] == np.arange(len(forward))
    return _pairs(mutual, forward)


def match_ratio_test(
    desc1: npt.ArrayLike, desc2: npt.ArrayLike, ratio: float = 0.75, metric: str = "l2"
) -> I64:
    """Lowe's ratio test: keep ``(i, nearest)`` when ``d1 < ratio · d2``, sorted by i."""
    dist = pairwise_distances(desc1, desc2, metric)
    if dist.shape[1] < 2 or dist.shape[0] == 0:
        return np.zeros((0, 2), dtype=np.int64)
    nearest = np.argmin(dist, axis=1).astype(np.int64)
    two = np.partition(dist, 1, axis=1)
    keep = two[:, 0] < ratio * two[:, 1]
    return _pairs(keep, nearest)
