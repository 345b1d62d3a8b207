"""Cases for ``bilinear_resize`` (NCHW, both ``align_corners`` settings)."""

from __future__ import annotations

import numpy as np

from dlquiz.grading.case import Case


def bilinear_resize_cases(rng: np.random.Generator) -> list[Case]:
    """Same size, to/from 1x1, x2 and x2.5 up, non-integer down, mixed axes; then random."""
    img = rng.normal(size=(1, 2, 4, 6))
    ramp = np.arange(12, dtype=np.float64).reshape(1, 1, 3, 4)
    shapes = [
        ("same size is the identity", img, [4, 6]),
        ("to 1x1", img, [1, 1]),
        ("from 1x1 (constant output)", rng.normal(size=(2, 3, 1, 1)), [3, 5]),
        ("1-pixel-wide input", rng.normal(size=(1, 1, 5, 1)), [3, 4]),
        ("upscale x2 of a ramp", ramp, [6, 8]),
        ("upscale x2.5", img, [10, 15]),
        ("non-integer downscale (6 -> 4, 4 -> 3)", img, [3, 4]),
        ("downscale by 3", rng.normal(size=(1, 1, 9, 12)), [3, 4]),
        ("one axis up, the other down", img, [7, 2]),
        ("to a single row", img, [1, 9]),
    ]
    ramp23 = np.arange(6, dtype=np.float64).reshape(1, 1, 2, 3)
    # One clause each, first: a downscale (s never below 0, never past L − 1), a
    # 1-pixel axis (i1 clamps), an upscale (s < 0 clamps), then align_corners=True.
    cases = [
        Case("downscale, align_corners=False: s = (d + 0.5)·L/l − 0.5",
             {"image": rng.normal(size=(1, 2, 6, 8)), "out_size": [3, 4], "align_corners": False},
             "edge"),
        Case("1-pixel axis: i1 = min(i0 + 1, L − 1)",
             {"image": rng.normal(size=(1, 1, 5, 1)), "out_size": [3, 4], "align_corners": False},
             "edge"),
        Case("upscale, align_corners=False: negative s clamps to 0",
             {"image": ramp, "out_size": [6, 8], "align_corners": False}, "edge"),
        Case("align_corners=True: the corner pixels coincide",
             {"image": ramp23, "out_size": [3, 5], "align_corners": True}, "edge"),
    ]
    for align in (False, True):
        for name, image, size in shapes:
            cases.append(Case(f"{name}, align_corners={align}",
                              {"image": image, "out_size": size, "align_corners": align}, "edge"))
    for i, (n, c, h, w, oh, ow) in enumerate([(1, 1, 5, 7, 11, 3), (2, 3, 16, 16, 23, 9),
                                              (1, 3, 32, 24, 17, 40), (4, 2, 10, 13, 10, 26)]):
        cases.append(Case(f"random {h}x{w} -> {oh}x{ow} (N={n}, C={c}) #{i}", {
            "image": rng.uniform(0, 255, size=(n, c, h, w)), "out_size": [oh, ow],
            "align_corners": bool(i % 2)}))
    return cases
