"""Cases for ``roi_pool`` and ``roi_align`` (features NCHW, rois ``[b, x1, y1, x2, y2]``)."""

from __future__ import annotations

import numpy as np

from dlquiz.grading.case import Case


def _ramp(h: int = 4, w: int = 4) -> np.ndarray:
    """``f[y, x] = 4y + x`` style ramp, (1, 1, h, w): values easy to check by hand."""
    return np.arange(h * w, dtype=np.float64).reshape(1, 1, h, w)


def _random_rois(rng: np.random.Generator, k: int, n: int, image: float) -> np.ndarray:
    """K boxes inside (and a little outside) an image of side ``image``."""
    x1 = rng.uniform(-0.1 * image, 0.8 * image, size=k)
    y1 = rng.uniform(-0.1 * image, 0.8 * image, size=k)
    w = rng.uniform(0.05 * image, 0.6 * image, size=k)
    h = rng.uniform(0.05 * image, 0.6 * image, size=k)
    batch = rng.integers(0, n, size=k).astype(np.float64)
    return np.stack([batch, x1, y1, x1 + w, y1 + h], axis=1)


def _random_cases(rng: np.random.Generator, extra: dict[str, object] | None = None) -> list[Case]:
    cases = []
    sizes = [(1, 2, 8, 8, 3, 16.0, 0.5), (2, 3, 12, 10, 6, 48.0, 0.25),
             (2, 4, 16, 16, 10, 256.0, 1 / 16)]
    for i, (n, c, h, w, k, image, scale) in enumerate(sizes):
        out = [(2, 2), (3, 4), (7, 7)][i]
        args: dict[str, object] = {
            "features": rng.normal(size=(n, c, h, w)), "rois": _random_rois(rng, k, n, image),
            "output_size": list(out), "spatial_scale": scale}
        args.update(extra or {})
        cases.append(Case(f"random N={n} C={c} {h}x{w}, K={k}, out {out} #{i}", args))
    return cases


def roi_pool_cases(rng: np.random.Generator) -> list[Case]:
    """Hand-checkable ramps, rounding at .5, partial/zero/outside ROIs, then random."""
    feats = rng.normal(size=(2, 3, 8, 8))
    ramp8 = _ramp(8, 8)
    cases = [
        Case("4x4 ramp, ROI = whole map, 2x2 bins",
             {"features": _ramp(), "rois": np.array([[0.0, 0.0, 0.0, 3.0, 3.0]]),
              "output_size": [2, 2]}, "edge"),
        Case("more bins than cells (bins overlap)",
             {"features": feats, "rois": np.array([[1.0, 2.0, 2.0, 3.0, 4.0]]),
              "output_size": [5, 4]}, "edge"),
        Case("ROI of one pixel", {"features": feats, "rois": np.array([[1.0, 3.0, 4.0, 3.0, 4.0]]),
                                  "output_size": [2, 2]}, "edge"),
        Case("zero-size ROI (x1 > x2 after rounding: forced to 1x1)",
             {"features": feats, "rois": np.array([[0.0, 5.0, 5.0, 2.0, 2.0]]),
              "output_size": 2}, "edge"),
        Case("coordinates at .5 round half away from zero (2.5 -> 3, not 2)",
             {"features": feats, "rois": np.array([[0.0, 2.5, 0.5, 6.5, 4.5],
                                                   [1.0, 1.5, 1.5, 4.5, 6.5]]),
              "output_size": [2, 3]}, "edge"),
        # floor(v + 0.5) gives -1 and -2 here; C's round gives -2 and -3 (the ramp's max
        # per bin is its bottom-right cell, so a moved bin edge shows).
        Case("negative half-way coordinates round away from zero (-1.5 -> -2)",
             {"features": ramp8, "rois": np.array([[0.0, -1.5, -2.5, 3.0, 4.0]]),
              "output_size": [2, 2]}, "edge"),
        Case("ROI entirely outside: empty bins are 0",
             {"features": feats, "rois": np.array([[0.0, 10.0, 10.0, 14.0, 13.0]]),
              "output_size": 2}, "edge"),
        Case("ROI partly outside the map (bins clipped to it)",
             {"features": feats, "rois": np.array([[0.0, -3.0, -2.0, 4.0, 3.0],
                                                   [1.0, 5.0, 6.0, 11.0, 12.0]]),
              "output_size": [3, 3]}, "edge"),
        Case("spatial_scale 0.5 and batch index picks the image",
             {"features": feats, "rois": np.array([[1.0, 2.0, 3.0, 13.0, 9.0],
                                                   [0.0, 2.0, 3.0, 13.0, 9.0]]),
              "output_size": [2, 2], "spatial_scale": 0.5}, "edge"),
        Case("negative half-way coordinates after spatial_scale 0.5",
             {"features": ramp8, "rois": np.array([[0.0, -3.0, -5.0, 6.0, 8.0]]),
              "output_size": [2, 2], "spatial_scale": 0.5}, "edge"),
        Case("no ROIs", {"features": feats, "rois": np.zeros((0, 5)), "output_size": [2, 2]},
             "edge"),
    ]
    for scale in (1.0, 0.5):
        for what, roi in DEGENERATE_ROIS:
            cases.append(Case(f"degenerate ROI: {what}, spatial_scale={scale:g}",
                              {"features": ramp8, "rois": _scaled(roi, scale),
                               "output_size": [2, 3], "spatial_scale": scale}, "edge"))
    return cases + _random_cases(rng)


#: ROIs on an 8x8 feature map (feature-map coordinates) that break a naive
#: implementation: no area, corners swapped, outside the map on either side.
DEGENERATE_ROIS = [
    ("zero width and height", [0.0, 3.0, 3.0, 3.0, 3.0]),
    ("x2 < x1 and y2 < y1 (negative size)", [0.0, 5.0, 6.0, 2.0, 3.0]),
    ("outside the map, right and below", [0.0, 9.5, 9.2, 12.0, 13.0]),
    ("outside the map, left and above", [0.0, -6.0, -5.0, -2.0, -1.5]),
]


def _scaled(roi: list[float], scale: float) -> np.ndarray:
    """The ROI in image coordinates that lands on ``roi`` after ``spatial_scale``."""
    return np.array([[roi[0], *(v / scale for v in roi[1:])]])


def roi_align_cases(rng: np.random.Generator) -> list[Case]:
    """aligned True/False, sampling ratio 1/2/adaptive, borders, degenerate ROIs, then random."""
    feats = rng.normal(size=(2, 3, 8, 8))
    box = np.array([[0.0, 0.0, 0.0, 2.0, 2.0]])
    cases = [
        Case("4x4 ramp, 1x1 output, sampling_ratio 2, aligned=False",
             {"features": _ramp(), "rois": box, "output_size": 1, "sampling_ratio": 2}, "edge"),
        Case("4x4 ramp, 1x1 output, sampling_ratio 2, aligned=True (−0.5 shift)",
             {"features": _ramp(), "rois": box, "output_size": 1, "sampling_ratio": 2,
              "aligned": True}, "edge"),
        Case("sampling_ratio 1: one sample at each bin centre",
             {"features": feats, "rois": np.array([[1.0, 1.2, 0.7, 6.3, 5.9]]),
              "output_size": [2, 3], "sampling_ratio": 1}, "edge"),
        Case("adaptive grid: ceil(roi / bins) samples per bin",
             {"features": feats, "rois": np.array([[0.0, 0.3, 0.1, 7.7, 6.9]]),
              "output_size": [2, 2], "sampling_ratio": -1}, "edge"),
        Case("ROI smaller than one pixel, aligned=False (forced to 1x1)",
             {"features": feats, "rois": np.array([[0.0, 3.2, 4.1, 3.4, 4.3]]),
              "output_size": [2, 2], "sampling_ratio": 2}, "edge"),
        Case("zero-size ROI, aligned=True, adaptive grid: no samples -> 0",
             {"features": feats, "rois": np.array([[0.0, 3.0, 3.0, 3.0, 3.0]]),
              "output_size": 2, "aligned": True}, "edge"),
        Case("zero-size ROI, aligned=True, sampling_ratio 2",
             {"features": feats, "rois": np.array([[1.0, 3.0, 3.0, 3.0, 3.0]]),
              "output_size": 2, "sampling_ratio": 2, "aligned": True}, "edge"),
        Case("ROI of one pixel, aligned=True",
             {"features": feats, "rois": np.array([[0.0, 4.0, 2.0, 5.0, 3.0]]),
              "output_size": [1, 1], "aligned": True}, "edge"),
        Case("right/bottom border: samples in [H-1, H] use the last row",
             {"features": feats, "rois": np.array([[0.0, 6.0, 6.2, 8.0, 8.0]]),
              "output_size": [2, 2], "sampling_ratio": 2, "aligned": True}, "edge"),
        Case("ROI partly outside: samples in [-1, 0) clamp, beyond the map count 0",
             {"features": feats, "rois": np.array([[0.0, -2.5, -1.5, 4.0, 3.0],
                                                   [1.0, 5.0, 6.0, 10.5, 11.0]]),
              "output_size": [3, 3], "sampling_ratio": 2}, "edge"),
        # One sample per ROI, at y1 + 1 and x1 + 1: exactly on a border line. The
        # border rule zeroes only y < -1 / y > H (x likewise); on the line it clamps.
        Case("samples exactly on the border (y = -1, y = H, x = -1, x = W) clamp, not 0",
             {"features": _ramp() + 1.0,
              "rois": np.array([[0.0, 2.0, 3.0, 4.0, 5.0],       # y = H, x = W - 1
                                [0.0, 3.0, 1.0, 5.0, 3.0],       # x = W
                                [0.0, -2.0, -2.0, 0.0, 0.0],     # y = -1 and x = -1
                                [0.0, -2.0, 1.0, 0.0, 3.0],      # x = -1
                                [0.0, 1.0, -2.0, 3.0, 0.0]]),    # y = -1
              "output_size": 1, "sampling_ratio": 1}, "edge"),
        Case("spatial_scale 1/4, aligned=True, adaptive",
             {"features": feats, "rois": np.array([[1.0, 3.0, 5.0, 27.0, 30.0]]),
              "output_size": [3, 2], "spatial_scale": 0.25, "aligned": True}, "edge"),
        Case("no ROIs", {"features": feats, "rois": np.zeros((0, 5)), "output_size": [2, 2]},
             "edge"),
    ]
    # Every degenerate ROI under every combination of the flags that change how it is read.
    ramp8 = _ramp(8, 8)
    for aligned in (False, True):
        for ratio in (-1, 2):
            for scale in (1.0, 0.5):
                for what, roi in DEGENERATE_ROIS:
                    cases.append(Case(
                        f"degenerate ROI: {what}, aligned={aligned}, sampling_ratio={ratio}, "
                        f"spatial_scale={scale:g}",
                        {"features": ramp8, "rois": _scaled(roi, scale), "output_size": [2, 3],
                         "spatial_scale": scale, "sampling_ratio": ratio, "aligned": aligned},
                        "edge"))
    cases += _random_cases(rng, {"sampling_ratio": -1, "aligned": False})
    cases += [Case(c.name.replace("random", "random aligned, sampling_ratio 2"),
                   {**c.args, "sampling_ratio": 2, "aligned": True})
              for c in _random_cases(rng)]
    return cases
