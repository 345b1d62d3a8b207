"""Cases for per-tensor affine and per-channel symmetric INT8 quantisation.

Ties use power-of-two scales so ``x / scale`` is exactly ``k + 0.5`` in float64
(and in any other valid order of operations); random cases are drawn away from
ties, so the verdict never depends on the last bit of a division.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from dlquiz.grading.case import Case, CaseKind


def _pt(name: str, x: Any, scale: float, zp: int, dtype: str, kind: CaseKind = "edge") -> Case:
    return Case(name, {"x": np.asarray(x, dtype=float), "scale": scale, "zero_point": zp,
                       "dtype": dtype}, kind)


def _away_from_ties(rng: np.random.Generator, shape: tuple[int, ...], scale: float,
                    spread: float) -> np.ndarray:
    """Normal samples nudged so that x / scale is at least 1e-3 away from a half-integer."""
    x = rng.normal(size=shape) * spread
    u = x / scale
    frac = u - np.floor(u)
    near = np.abs(frac - 0.5) < 1e-3
    return np.where(near, x + 2e-3 * scale, x)


def quantize_per_tensor_cases(rng: np.random.Generator) -> list[Case]:
    """Half-to-even ties, clamping at both ends, zero points at the limits, both dtypes."""
    halves = [0.25, 0.75, 1.25, -0.25, -0.75, -1.25]          # x / 0.5 = ±0.5, ±1.5, ±2.5
    cases = [
        _pt("ties round half to even (quint8)", [0.25, 0.75, 1.25, 1.75, 2.25], 0.5, 10, "quint8"),
        _pt("odd zero point: added before rounding (3.5 → 4)", [0.25, 0.75, 1.25, 3.0], 0.5, 3, "quint8"),
        _pt("ties round half to even (qint8, zero point 0)", halves, 0.5, 0, "qint8"),
        _pt("values above the range saturate at 255", [100.0, 1e6, 127.0], 0.5, 0, "quint8"),
        _pt("values below the range saturate at 0 (quint8)", [-1.0, -100.0, -0.25], 0.5, 0, "quint8"),
        _pt("qint8 saturates at −128 and 127", [-1e3, 1e3, -64.25, 63.75], 0.5, 0, "qint8"),
        _pt("clamp after adding the zero point", [0.0, 1.0, 2.0, 3.0], 0.0078125, 200, "quint8"),
        _pt("zero point 255: only non-positive values representable",
            [-2.0, -0.5, 0.0, 0.5], 0.0625, 255, "quint8"),
        _pt("negative zero point (qint8)", [-1.0, 0.0, 1.0, 0.03125], 0.015625, -100, "qint8"),
        _pt("zero maps exactly to the zero point", [0.0, -0.0], 0.0371, 37, "quint8"),
        _pt("a 0-d input", np.array(1.3), 0.1, 5, "quint8"),
        _pt("2-D input keeps its shape", _away_from_ties(rng, (3, 4), 0.02, 1.0), 0.02, 128, "quint8"),
    ]
    for i, (shape, dtype) in enumerate([((50,), "quint8"), ((8, 16), "qint8"),
                                        ((4, 3, 5, 5), "quint8"), ((20_000,), "qint8")]):
        scale = float(rng.uniform(0.005, 0.05))
        zp = int(rng.integers(0, 256)) if dtype == "quint8" else int(rng.integers(-128, 128))
        cases.append(_pt(f"random shape={shape} {dtype} #{i}",
                         _away_from_ties(rng, shape, scale, 2.0), scale, zp, dtype, "random"))
    return cases


def _pc(name: str, w: Any, axis: int, kind: CaseKind = "edge") -> Case:
    return Case(name, {"w": np.asarray(w, dtype=float), "axis": axis}, kind)


def _weights(rng: np.random.Generator, shape: tuple[int, ...], axis: int) -> np.ndarray:
    """Channels whose ranges differ by up to ~100×, nudged away from rounding ties."""
    w = rng.normal(size=shape)
    spread = np.exp(rng.uniform(-2.3, 2.3, size=shape[axis]))
    view = [1] * len(shape)
    view[axis] = -1
    w = w * spread.reshape(view)
    others = tuple(a for a in range(len(shape)) if a != axis)
    scale = (np.abs(w).max(axis=others, keepdims=True) if others else np.abs(w)) / 127.0
    u = w / scale
    near = np.abs(u - np.floor(u) - 0.5) < 1e-3
    return np.where(near, w - np.sign(w) * 0.01 * scale, w)   # 0.01 of a step toward 0


def quantize_per_channel_symmetric_cases(rng: np.random.Generator) -> list[Case]:
    """±max → ±127, ties, all-zero channel, tiny channel, axis 0 / 1 / −1, 1-D, then random."""
    cases = [
        _pc("±max|w| of each row map to ±127", [[0.5, -1.27], [0.02, 0.0]], 0),
        _pc("channels with 100× different ranges keep their resolution",
            [[100.0, -37.0, 12.5], [1.0, 0.37, -0.4]], 0),
        _pc("ties round half to even (scale 0.25)", [[31.75, 0.125, 0.375, -0.625, -0.375]], 0),
        _pc("an all-zero channel gets scale = float32 eps", [[0.0, 0.0, 0.0], [1.0, -2.0, 0.5]], 0),
        _pc("a channel smaller than 127·eps: scale clamps to eps",
            [[1e-6, -5e-6, 2e-6], [3.0, 1.0, -1.0]], 0),
        _pc("axis = 1 (channels along the second axis)", _weights(rng, (3, 4), 1), 1),
        _pc("axis = −1 counts from the end", _weights(rng, (2, 3, 5), 2), -1),
        _pc("conv weight (O, C, kh, kw), one scale per output channel",
            _weights(rng, (4, 3, 3, 3), 0), 0),
        _pc("1-D weight: every element is its own channel", [0.3, -2.0, 0.0, 1e-3], 0),
        _pc("single channel equals per-tensor symmetric", _weights(rng, (1, 10), 0), 0),
    ]
    for i, (shape, axis) in enumerate([((8, 16), 0), ((16, 8, 3, 3), 0), ((32, 64), 1),
                                       ((64, 32, 3, 3), 1)]):
        cases.append(_pc(f"random shape={shape} axis={axis} #{i}", _weights(rng, shape, axis),
                         axis, "random"))
    return cases


def _ob(name: str, x: Any, dtype: str, symmetric: bool, kind: CaseKind = "edge") -> Case:
    return Case(name, {"x": np.asarray(x, dtype=float), "dtype": dtype, "symmetric": symmetric}, kind)


def _range_away_from_ties(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Data whose affine zero point is not within 1e-3 of a rounding tie (for any dtype)."""
    while True:
        x = rng.normal(size=shape) * rng.uniform(0.5, 5.0) + rng.uniform(-2.0, 2.0)
        lo, hi = min(float(x.min()), 0.0), max(float(x.max()), 0.0)
        u = lo / ((hi - lo) / 255)
        if abs(u - np.floor(u) - 0.5) > 1e-3:
            return x


def observer_qparams_cases(rng: np.random.Generator) -> list[Case]:
    """Range widened to 0, all-negative, both dtypes, symmetric zero points, eps floor, a tie."""
    tie = np.array([-2.5625, 0.0, 29.3125])          # scale 0.125, min/scale = −20.5 exactly
    return [
        _ob("range straddles 0: affine quint8", [-1.0, 0.5, 2.0, 3.0], "quint8", False),
        _ob("all positive: the range is widened to include 0", [0.5, 1.0, 4.0], "quint8", False),
        _ob("all negative: zero point at qmax", [-4.0, -1.0, -0.5], "quint8", False),
        _ob("qint8 affine: zero point shifted by −128", [-1.0, 0.5, 2.0, 3.0], "qint8", False),
        _ob("zero point rounds half to even (−20.5 → −20)", tie, "quint8", False),
        # scale 1, min/scale = −21.5: half to even gives zero point 22, half up 21
        _ob("zero point rounds half to even (−21.5 → −22)", [-21.5, 0.0, 233.5], "quint8", False),
        _ob("symmetric qint8: zero point 0, scale max|x|/127.5", [-3.0, 1.0, 2.0], "qint8", True),
        _ob("symmetric quint8: zero point 128", [-3.0, 1.0, 2.0], "quint8", True),
        _ob("symmetric uses the larger side", [-0.5, 6.0], "qint8", True),
        _ob("all zeros: scale = float32 eps", np.zeros(5), "quint8", False),
        _ob("range below 255·eps: scale clamps to eps", [0.0, 1e-6, 2e-5], "quint8", False),
        _ob("2-D input: statistics over every element", _range_away_from_ties(rng, (3, 4)), "quint8", False),
    ] + [
        _ob(f"random shape={shape} {dtype} symmetric={sym} #{i}", _range_away_from_ties(rng, shape),
            dtype, sym, "random")
        for i, (shape, dtype, sym) in enumerate([((100,), "quint8", False), ((8, 16), "qint8", False),
                                                 ((4, 3, 5), "qint8", True), ((10_000,), "quint8", False)])
    ]
