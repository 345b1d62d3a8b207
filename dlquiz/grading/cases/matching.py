"""Cases for brute-force, cross-check and ratio-test matching.

l2 descriptors are integer-valued (0..255 like SIFT bins) stored as float64,
so squared distances are exact integers and ties are exact; hamming
descriptors are ``uint8`` bytes (32 bytes = 256 bits, like ORB).
"""

from __future__ import annotations

import numpy as np

from dlquiz.grading.case import Case


def _sift(rng: np.random.Generator, n: int, d: int = 16) -> np.ndarray:
    return rng.integers(0, 256, size=(n, d)).astype(np.float64)


def _orb(rng: np.random.Generator, n: int, nbytes: int = 32) -> np.ndarray:
    return rng.integers(0, 256, size=(n, nbytes), dtype=np.uint8)


def _noisy_copy(rng: np.random.Generator, base: np.ndarray, noise: float) -> np.ndarray:
    """Perturbed copies of ``base`` rows in a shuffled order (true matches exist)."""
    moved = base[rng.permutation(len(base))] + np.round(rng.normal(scale=noise, size=base.shape))
    return np.clip(moved, 0, 255)


def _random_pairs(rng: np.random.Generator) -> list[tuple[str, dict[str, object]]]:
    out: list[tuple[str, dict[str, object]]] = []
    for i, (n, m, d) in enumerate([(20, 25, 16), (60, 50, 32), (100, 120, 64)]):
        base = _sift(rng, max(n, m), d)
        desc1 = _noisy_copy(rng, base[:n], 6.0)
        desc2 = np.concatenate([_noisy_copy(rng, base[: m // 2], 6.0), _sift(rng, m - m // 2, d)])
        out.append((f"random l2 N={n} M={m} D={d} #{i}", {"desc1": desc1, "desc2": desc2}))
    for i, (n, m) in enumerate([(30, 40), (80, 70)]):
        base = _orb(rng, m)
        flips = rng.random(size=(n, 32 * 8)) < 0.08
        desc1 = base[rng.integers(0, m, size=n)] ^ np.packbits(flips, axis=1)
        out.append((f"random hamming N={n} M={m} #{i}",
                    {"desc1": desc1, "desc2": base, "metric": "hamming"}))
    return out


def _shared_edges(rng: np.random.Generator) -> list[tuple[str, dict[str, object]]]:
    desc2 = _sift(rng, 6)
    dup = np.concatenate([desc2[:3], desc2[1:2], desc2[3:]])       # row 3 duplicates row 1
    # Clause order: the many-to-one case (cross-check's reason to exist) and the
    # row order come before any case where a tie or the metric could show.
    return [
        ("many queries, one close train descriptor (many-to-one)",
         {"desc1": np.array([[0.0, 0.0], [1.0, 0.0], [2.0, 0.0]]),
          "desc2": np.array([[10.0, 0.0], [0.0, 50.0]])}),
        ("rows sorted by query index (not by train index)",
         {"desc1": np.array([[20.0, 1.0], [0.0, 1.0], [10.0, 1.0]]),
          "desc2": np.array([[0.0, 0.0], [10.0, 0.0], [20.0, 0.0]])}),
        ("N = 1", {"desc1": _sift(rng, 1), "desc2": _sift(rng, 5)}),
        ("M = 1", {"desc1": _sift(rng, 4), "desc2": _sift(rng, 1)}),
        ("duplicate train descriptors: the lowest index wins",
         {"desc1": np.concatenate([desc2[1:2] + 1.0, _sift(rng, 3)]), "desc2": dup}),
        ("queries identical to train descriptors (distance 0)",
         {"desc1": desc2[[4, 0, 2]], "desc2": desc2}),
        # 8 differing bits but 1 differing byte against train 0; 1 bit against train 1.
        ("hamming counts differing bits, not bytes",
         {"desc1": np.array([[255, 0]], dtype=np.uint8),
          "desc2": np.array([[0, 0], [255, 254]], dtype=np.uint8), "metric": "hamming"}),
        ("hamming: ORB-like bytes",
         {"desc1": _orb(rng, 5), "desc2": _orb(rng, 7), "metric": "hamming"}),
        ("hamming: equal bit counts tie (lowest index wins)",
         {"desc1": np.array([[0b00000000]], dtype=np.uint8),
          "desc2": np.array([[0b00000011], [0b00000101], [0b10000001]], dtype=np.uint8),
          "metric": "hamming"}),
    ]


def brute_force_cases(rng: np.random.Generator) -> list[Case]:
    cases = [Case("l2 distances are Euclidean, not squared",
                  {"desc1": np.array([[0.0, 0.0], [6.0, 8.0]]),
                   "desc2": np.array([[3.0, 4.0], [20.0, 20.0]])}, "edge")]
    cases += [Case(name, args, "edge") for name, args in _shared_edges(rng)]
    return cases + [Case(name, args) for name, args in _random_pairs(rng)]


def cross_check_cases(rng: np.random.Generator) -> list[Case]:
    cases = [Case(name, args, "edge") for name, args in _shared_edges(rng)]
    cases.append(Case("empty query set", {"desc1": np.zeros((0, 4)), "desc2": _sift(rng, 3, 4)},
                      "edge"))
    cases.append(Case("two queries tie for one train descriptor: the lower query index is mutual",
                      {"desc1": np.array([[1.0, 0.0], [-1.0, 0.0]]),
                       "desc2": np.array([[0.0, 0.0], [9.0, 9.0]])}, "edge"))
    return cases + [Case(name, args) for name, args in _random_pairs(rng)]


def ratio_test_cases(rng: np.random.Generator) -> list[Case]:
    base = _sift(rng, 12)
    # The ratio's own clauses first: distances (not squared), strictness, M < 2.
    cases = [
        Case("ratio of distances, not of squared distances (d1/d2 = 0.8)",
             {"desc1": np.array([[0.0, 0.0]]), "desc2": np.array([[4.0, 0.0], [0.0, 5.0]]),
              "ratio": 0.75}, "edge"),
        Case("d1 = 0.75·d2 exactly is rejected (strict <)",
             {"desc1": np.array([[0.0, 0.0], [0.0, 1.0]]),
              "desc2": np.array([[3.0, 0.0], [0.0, 4.0]]), "ratio": 0.75}, "edge"),
        Case("one train descriptor: no second neighbour, nothing kept",
             {"desc1": np.array([[0.0, 0.0], [5.0, 5.0]]), "desc2": np.array([[1.0, 1.0]]),
              "ratio": 0.75}, "edge"),
    ]
    cases += [Case(name, {**args, "ratio": 0.75}, "edge") for name, args in _shared_edges(rng)]
    cases += [
        Case("ratio 1.0 keeps every unambiguous nearest neighbour",
             {"desc1": _sift(rng, 6), "desc2": _sift(rng, 8), "ratio": 1.0}, "edge"),
        Case("strict ratio 0.5 on noisy copies", {"desc1": _noisy_copy(rng, base, 40.0),
                                                  "desc2": base, "ratio": 0.5}, "edge"),
        Case("empty query set", {"desc1": np.zeros((0, 4)), "desc2": _sift(rng, 3, 4),
                                 "ratio": 0.75}, "edge"),
    ]
    for name, args in _random_pairs(rng):
        cases.append(Case(name, {**args, "ratio": float(rng.choice([0.6, 0.75, 0.8]))}))
    return cases
