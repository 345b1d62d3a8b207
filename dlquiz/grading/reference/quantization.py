"""Integer quantisation as torch's quantized tensors and observers compute it.

* ``quantize_per_tensor(x, scale, zero_point, dtype)``: affine quantisation of
  ``torch.quantize_per_tensor``: ``q = clamp(round(x / scale + zero_point), qmin, qmax)``
  with ``round`` = round half to even (``np.rint``) and the full range of the
  dtype (``"quint8"``: [0, 255], ``"qint8"``: [−128, 127]). torch's CPU kernel
  adds the zero point *before* rounding; ``torch.fake_quantize_per_tensor_affine``
  rounds first (``round(x / scale) + zero_point``). The two differ only on an
  exact tie with an odd zero point (0.5 + 3 → 4 versus 0 + 3 → 3); the tests
  pin both behaviours of torch.
  Returns the codes (int64 here; any integer dtype is accepted, torch's
  ``int_repr()`` is uint8/int8) and the dequantised values ``(q − zp)·scale``.
* ``quantize_per_channel_symmetric(w, axis)``: symmetric int8 per-channel weight
  quantisation with the restricted range [−127, 127] (TensorRT's convention;
  torch ``PerChannelMinMaxObserver(qscheme=torch.per_channel_symmetric,
  dtype=torch.qint8, quant_min=-127, quant_max=127)`` then
  ``torch.quantize_per_channel``): per slice along ``axis``,
  ``scale_c = max(max|w_c| / 127, float32 eps)``, zero point 0,
  ``q = clamp(round(w / scale_c), −127, 127)``. Returns ``(q, scales, w_hat)``.
* ``minmax_qparams(min_val, max_val, dtype, symmetric)``: the scale and zero point
  ``torch.ao.quantization.MinMaxObserver`` derives from an observed range (used by
  the numeric cards): the range is first widened to include 0, affine
  ``scale = (max − min)/(qmax − qmin)``, ``zp = qmin − round(min/scale)`` clamped;
  symmetric ``scale = max(|min|, |max|) / ((qmax − qmin)/2)``, zp 0 (qint8) or 128
  (quint8); scale is at least float32 eps. ``observer_qparams(x, dtype, symmetric)``
  is the same from the data (the exercise), returning ``(scale, zero_point)``.

Rounding happens on float64 ``x / scale``; cases avoid values within 1e-9 of a
rounding tie unless the tie is exact (power-of-two scales).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]

#: torch.finfo(torch.float32).eps, the smallest scale torch's observers return.
FLOAT32_EPS = float(np.finfo(np.float32).eps)
RANGES = {"quint8": (0, 255), "qint8": (-128, 127)}


def qrange(dtype: str) -> tuple[int, int]:
    """(qmin, qmax) of a torch quantised dtype name."""
    try:
        return RANGES[dtype]
    except KeyError:
        raise ValueError(f"dtype must be 'quint8' or 'qint8', got {dtype!r}") from None


def quantize_per_tensor(x: npt.ArrayLike, scale: float, zero_point: int,
                        dtype: str = "quint8") -> tuple[I64, F64]:
    """(codes, dequantised) of affine per-tensor quantisation."""
    qmin, qmax = qrange(dtype)
    xs = np.asarray(x, dtype=np.float64)
    q = np.clip(np.rint(xs / scale + zero_point), qmin, qmax).astype(np.int64)
    return q, (q - zero_point).astype(np.float64) * scale


def quantize_per_channel_symmetric(w: npt.ArrayLike, axis: int = 0) -> tuple[I64, F64, F64]:
    """(codes, per-channel scales, dequantised) of symmetric int8 [−127, 127] quantisation."""
    ws = np.asarray(w, dtype=np.float64)
    axis = axis % ws.ndim
    others = tuple(a for a in range(ws.ndim) if a != axis)
    amax = np.abs(ws).max(axis=others) if others else np.abs(ws)
    scales = np.maximum(amax / 127.0, FLOAT32_EPS)
    shape = [1] * ws.ndim
    shape[axis] = -1
    s = scales.reshape(shape)
    q = np.clip(np.rint(ws / s), -127, 127).astype(np.int64)
    return q, scales, q.astype(np.float64) * s


def minmax_qparams(min_val: float, max_val: float, dtype: str = "quint8",
                   symmetric: bool = False) -> tuple[float, int]:
    """(scale, zero_point) of MinMaxObserver for an observed [min_val, max_val]."""
    qmin, qmax = qrange(dtype)
    lo, hi = min(min_val, 0.0), max(max_val, 0.0)
    if symmetric:
        scale = max(max(-lo, hi) / ((qmax - qmin) / 2), FLOAT32_EPS)
        return scale, (0 if dtype == "qint8" else 128)
    scale = max((hi - lo) / (qmax - qmin), FLOAT32_EPS)
    zp = int(np.clip(qmin - np.rint(lo / scale), qmin, qmax))
    return scale, zp


def observer_qparams(x: npt.ArrayLike, dtype: str = "quint8", symmetric: bool = False) -> tuple[float, int]:
    """(scale, zero_point) that MinMaxObserver derives after observing the tensor ``x``."""
    xs = np.asarray(x, dtype=np.float64)
    return minmax_qparams(float(xs.min()), float(xs.max()), dtype, symmetric)
