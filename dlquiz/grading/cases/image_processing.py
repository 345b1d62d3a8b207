"""Cases for the classical image-processing exercises.

Each generator lists named edge cases for every clause of its prompt (table
layout, dtype overflow, empty and full boxes, 4- vs 8-connectivity, label
order, constant images, the border rule), then seeded random cases, then a perf
case where the O(1)-per-query or one-pass point is the lesson.
"""

from __future__ import annotations

import numpy as np

from dlquiz.grading.case import Case


def _u8(rng: np.random.Generator, h: int, w: int) -> np.ndarray:
    return rng.integers(0, 256, (h, w)).astype(np.uint8)


def integral_image_cases(rng: np.random.Generator) -> list[Case]:
    """Layout (zero row/column), 1-pixel and 1-row images, uint8 overflow, floats, bools."""
    cases = [
        Case("1x1 image", {"img": np.array([[7]], dtype=np.uint8)}, "edge"),
        Case("2x3 by hand", {"img": np.array([[1, 2, 3], [4, 5, 6]], dtype=np.uint8)}, "edge"),
        Case("single row", {"img": _u8(rng, 1, 9)}, "edge"),
        Case("single column", {"img": _u8(rng, 9, 1)}, "edge"),
        Case("all 255 (uint8 sums overflow)", {"img": np.full((40, 50), 255, dtype=np.uint8)}, "edge"),
        Case("float64 image", {"img": rng.normal(size=(6, 7))}, "edge"),
        Case("float32 image", {"img": rng.random((5, 4)).astype(np.float32)}, "edge"),
        Case("bool mask", {"img": rng.random((6, 6)) < 0.5}, "edge"),
        Case("negative int64 values", {"img": rng.integers(-100, 100, (5, 8)).astype(np.int64)}, "edge"),
        # Sums past 2**31: an int32 table (cv2's default) wraps; the prompt asks for int64.
        Case("large int64 values (an int32 table overflows)",
             {"img": np.full((4, 5), 10**9, dtype=np.int64)}, "edge"),
        # 1 + tiny offsets: a float32 table rounds them away, far beyond rtol 1e-9.
        Case("float64 precision (a float32 table loses it)",
             {"img": 1.0 + rng.random((16, 16)) * 1e-6}, "edge"),
        Case("zeros", {"img": np.zeros((3, 3), dtype=np.uint8)}, "edge"),
    ]
    for i, (h, w) in enumerate([(8, 8), (31, 17), (120, 160), (480, 640)]):
        cases.append(Case(f"random uint8 {h}x{w} #{i}", {"img": _u8(rng, h, w)}))
    return cases


def _boxes(rng: np.random.Generator, h: int, w: int, k: int) -> np.ndarray:
    xs = np.sort(rng.integers(0, w + 1, (k, 2)), axis=1)
    ys = np.sort(rng.integers(0, h + 1, (k, 2)), axis=1)
    return np.stack([xs[:, 0], ys[:, 0], xs[:, 1], ys[:, 1]], axis=1).astype(np.int64)


def box_sums_cases(rng: np.random.Generator) -> list[Case]:
    """Whole image, single pixels, empty boxes, boxes on each border, overflow, then random."""
    img = np.arange(20, dtype=np.uint8).reshape(4, 5)
    cases = [
        Case("whole image", {"img": img, "boxes": np.array([[0, 0, 5, 4]])}, "edge"),
        Case("single pixels (x1, y1, x1+1, y1+1)",
             {"img": img, "boxes": np.array([[0, 0, 1, 1], [4, 3, 5, 4], [2, 1, 3, 2]])}, "edge"),
        Case("x is the column: a 1x3 row strip vs a 3x1 column strip",
             {"img": img, "boxes": np.array([[1, 0, 4, 1], [0, 1, 1, 4]])}, "edge"),
        Case("empty boxes (x1 = x2 or y1 = y2) sum to 0",
             {"img": img, "boxes": np.array([[2, 1, 2, 4], [0, 3, 5, 3], [5, 4, 5, 4]])}, "edge"),
        Case("boxes touching the top-left border", {"img": img, "boxes": np.array([[0, 0, 3, 2]])}, "edge"),
        Case("boxes touching the bottom-right border",
             {"img": img, "boxes": np.array([[2, 1, 5, 4]])}, "edge"),
        Case("no boxes: shape (0,)", {"img": img, "boxes": np.zeros((0, 4), dtype=np.int64)}, "edge"),
        Case("all 255, whole 300x300 box (uint8 overflow)",
             {"img": np.full((300, 300), 255, dtype=np.uint8), "boxes": np.array([[0, 0, 300, 300]])}, "edge"),
        Case("float image", {"img": rng.normal(size=(7, 9)), "boxes": _boxes(rng, 7, 9, 12)}, "edge"),
    ]
    for i, (h, w, k) in enumerate([(10, 10, 20), (60, 80, 200), (240, 320, 1000)]):
        cases.append(Case(f"random {h}x{w}, {k} boxes #{i}",
                          {"img": _u8(rng, h, w), "boxes": _boxes(rng, h, w, k)}))
    # The perf case separates O(area) from O(1) per box, not loops from vectorised code:
    # 5,000 boxes of at least 500x500 pixels each. Summing each box's pixels takes
    # ~100x the reference (whose time is mostly building the 1000x1000 table); four
    # look-ups per box in a Python loop ~2-4x.
    k = 5_000
    x1, y1 = rng.integers(0, 250, k), rng.integers(0, 250, k)
    x2, y2 = rng.integers(750, 1001, k), rng.integers(750, 1001, k)
    cases.append(Case("perf 1000x1000, 5000 large boxes",
                      {"img": _u8(rng, 1000, 1000),
                       "boxes": np.stack([x1, y1, x2, y2], axis=1).astype(np.int64)}, "perf"))
    return cases


def _blobs(rng: np.random.Generator, h: int, w: int, p: float) -> np.ndarray:
    return rng.random((h, w)) < p


def label_components_cases(rng: np.random.Generator) -> list[Case]:
    """Diagonal neighbours (4 vs 8), U shapes that merge late, label order, then random."""
    diag = np.eye(4, dtype=bool)
    u_shape = np.array([[1, 0, 1, 0, 1],
                        [1, 0, 1, 0, 1],
                        [1, 1, 1, 0, 1],
                        [0, 0, 0, 0, 1],
                        [1, 1, 1, 1, 1]], dtype=np.uint8)
    # Component of the first pixel in raster order starts at (0, 3); a later-found
    # pixel of the same component must not get a new number.
    order = np.array([[0, 0, 0, 1, 0],
                      [1, 1, 0, 1, 0],
                      [0, 1, 1, 1, 0],
                      [0, 0, 0, 0, 1]], dtype=np.uint8)
    w_shape = np.array([[1, 0, 1, 0, 1, 0, 1],
                        [1, 0, 1, 0, 1, 0, 1],
                        [1, 1, 1, 1, 1, 1, 1]], dtype=bool)
    snake = np.zeros((61, 61), dtype=bool)
    snake[::2, :] = True
    snake[1::4, -1] = True
    snake[3::4, 0] = True
    cases = [
        Case("empty mask: 0 components", {"mask": np.zeros((3, 4), dtype=bool), "connectivity": 4}, "edge"),
        Case("full mask: 1 component", {"mask": np.ones((3, 4), dtype=bool), "connectivity": 8}, "edge"),
        Case("single pixel", {"mask": np.array([[1]], dtype=np.uint8), "connectivity": 4}, "edge"),
        Case("diagonal, 4-connected: 4 components", {"mask": diag, "connectivity": 4}, "edge"),
        Case("diagonal, 8-connected: 1 component", {"mask": diag, "connectivity": 8}, "edge"),
        Case("anti-diagonal, 8-connected: 1 component", {"mask": diag[:, ::-1].copy(), "connectivity": 8}, "edge"),
        Case("U shape: two branches merge late (4)", {"mask": u_shape, "connectivity": 4}, "edge"),
        Case("W shape: three merges in one row (8)", {"mask": w_shape, "connectivity": 8}, "edge"),
        Case("label order: raster order of each component's first pixel",
             {"mask": order, "connectivity": 4}, "edge"),
        Case("label order with 8-connectivity", {"mask": order, "connectivity": 8}, "edge"),
        Case("nonzero ints count as foreground",
             {"mask": np.array([[0, 5, 0], [0, 255, 0], [3, 0, 0]], dtype=np.int64), "connectivity": 4}, "edge"),
        Case("single row with gaps", {"mask": np.array([[1, 1, 0, 1, 0, 0, 1]], dtype=bool), "connectivity": 8}, "edge"),
        Case("single column", {"mask": np.array([[1], [0], [1], [1]], dtype=bool), "connectivity": 4}, "edge"),
        Case("checkerboard, 4-connected: every pixel alone",
             {"mask": (np.indices((6, 6)).sum(axis=0) % 2 == 0), "connectivity": 4}, "edge"),
        Case("checkerboard, 8-connected: one component",
             {"mask": (np.indices((6, 6)).sum(axis=0) % 2 == 0), "connectivity": 8}, "edge"),
        Case("61x61 snake: one 1900-pixel path (deep recursion fails)",
             {"mask": snake, "connectivity": 4}, "edge"),
        Case("300x300 all foreground", {"mask": np.ones((300, 300), dtype=bool), "connectivity": 4}, "edge"),
    ]
    for i, (h, w, p) in enumerate([(8, 8, 0.5), (20, 30, 0.45), (64, 64, 0.6), (150, 200, 0.55)]):
        for conn in (4, 8):
            cases.append(Case(f"random {h}x{w} p={p} connectivity={conn} #{i}",
                              {"mask": _blobs(rng, h, w, p), "connectivity": conn}))
    return cases


def equalize_hist_cases(rng: np.random.Generator) -> list[Case]:
    """Constant image, two levels, darkest level above 0, dark / bright images, then random."""
    ramp = np.arange(256, dtype=np.uint8).reshape(16, 16)
    two = np.array([[50, 50, 200], [200, 200, 200]], dtype=np.uint8)
    cases = [
        Case("constant image is returned unchanged", {"img": np.full((4, 5), 77, dtype=np.uint8)}, "edge"),
        Case("constant 0 image", {"img": np.zeros((3, 3), dtype=np.uint8)}, "edge"),
        Case("1x1 image", {"img": np.array([[130]], dtype=np.uint8)}, "edge"),
        Case("two grey levels: darkest -> 0, other -> 255", {"img": two}, "edge"),
        Case("three pixels, a rounding tie (1 * 255/2 = 127.5 -> 128)",
             {"img": np.array([[10, 20, 30]], dtype=np.uint8)}, "edge"),
        # 255/6 = 42.5 and 5·255/6 = 212.5: ties whose integer part is even, where half-up
        # (43, 213) and half-to-even (42, 212, cv2.equalizeHist) differ.
        Case("rounding ties to even (42.5 -> 42, 212.5 -> 212)",
             {"img": np.arange(7, dtype=np.uint8).reshape(1, 7)}, "edge"),
        Case("full ramp 0..255 (already uniform)", {"img": ramp}, "edge"),
        Case("darkest level is 100, not 0", {"img": (100 + rng.integers(0, 50, (10, 12))).astype(np.uint8)}, "edge"),
        Case("dark image (levels 0..30)", {"img": rng.integers(0, 31, (32, 32)).astype(np.uint8)}, "edge"),
        Case("bright image (levels 220..255)", {"img": rng.integers(220, 256, (32, 32)).astype(np.uint8)}, "edge"),
        Case("one dark outlier pixel", {"img": np.concatenate(
            [np.zeros((1, 1)), np.full((1, 99), 128)], axis=1).astype(np.uint8)}, "edge"),
        Case("single row", {"img": rng.integers(0, 256, (1, 40)).astype(np.uint8)}, "edge"),
    ]
    for i, (h, w) in enumerate([(8, 8), (17, 23), (64, 48), (120, 160)]):
        lo, hi = sorted(int(v) for v in rng.integers(0, 256, 2))
        img = rng.integers(lo, hi + 1, (h, w)).astype(np.uint8)
        cases.append(Case(f"random {h}x{w} levels {lo}..{hi} #{i}", {"img": img}))
    img = np.clip(rng.normal(90, 20, (180, 180)), 0, 255).astype(np.uint8)
    cases.append(Case("random 180x180 low-contrast Gaussian", {"img": img}))
    return cases


def binary_morphology_cases(rng: np.random.Generator) -> list[Case]:
    """Each op on a square, a pixel, a hole, noise, and masks touching the border."""
    square = np.zeros((7, 7), dtype=bool)
    square[2:5, 2:5] = True
    dot = np.zeros((5, 5), dtype=bool)
    dot[2, 2] = True
    hole = np.ones((5, 5), dtype=bool)
    hole[2, 2] = False
    corner = np.zeros((5, 6), dtype=bool)
    corner[:3, :3] = True
    full = np.ones((4, 4), dtype=bool)
    cases = []
    for op in ("erode", "dilate", "open", "close"):
        cases += [
            Case(f"{op}: 3x3 square", {"mask": square, "op": op}, "edge"),
            Case(f"{op}: single pixel", {"mask": dot, "op": op}, "edge"),
            Case(f"{op}: one-pixel hole", {"mask": hole, "op": op}, "edge"),
            Case(f"{op}: block touching the top-left border", {"mask": corner, "op": op}, "edge"),
            Case(f"{op}: all foreground (the border changes nothing)", {"mask": full, "op": op}, "edge"),
        ]
    cases += [
        Case("erode: empty mask", {"mask": np.zeros((3, 3), dtype=bool), "op": "erode"}, "edge"),
        Case("dilate: 1x1 mask", {"mask": np.array([[True]]), "op": "dilate"}, "edge"),
        Case("open: uint8 0/1 input", {"mask": (rng.random((9, 9)) < 0.6).astype(np.uint8), "op": "open"}, "edge"),
        Case("close: single row", {"mask": np.array([[1, 0, 1, 1, 0, 0, 1]], dtype=bool), "op": "close"}, "edge"),
    ]
    for i, (h, w, p) in enumerate([(12, 12, 0.5), (40, 30, 0.7), (100, 120, 0.4)]):
        for op in ("erode", "dilate", "open", "close"):
            cases.append(Case(f"random {h}x{w} p={p} {op} #{i}",
                              {"mask": rng.random((h, w)) < p, "op": op}))
    return cases
