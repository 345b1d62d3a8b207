"""Classical image processing: integral image, box sums, connected components,
histogram equalisation and binary morphology. Images are 2-D ``(H, W)`` arrays.

Conventions (each exercise's prompt states the same):

* ``integral_image(img)`` is ``cv2.integral(img)``: shape ``(H + 1, W + 1)``
  with a zero first row and column, ``S[y, x] = img[:y, :x].sum()``. Integer
  and bool images give int64 (cv2's default int32 can overflow on big images),
  float images float64.
* ``box_sums(img, boxes)``: for each box ``(x1, y1, x2, y2)`` of integer pixel
  edges (half-open, ``0 <= x1 <= x2 <= W``), ``img[y1:y2, x1:x2].sum()`` from
  four look-ups in the integral image: ``S[y2,x2] − S[y1,x2] − S[y2,x1] + S[y1,x1]``.
  An empty box sums to 0. Dtypes as above.
* ``label_components(mask, connectivity)`` is ``scipy.ndimage.label`` with the
  cross (4) or 3×3 (8) structure: nonzero pixels are foreground, background is
  0, components are numbered 1..n in raster-scan order (row by row, left to
  right) of their first pixel. Returns ``(labels int64, n)``. The reference is
  the classic two-pass algorithm with union-find.
* ``equalize_hist(img)`` is ``cv2.equalizeHist`` on uint8: with ``cdf`` the
  cumulative histogram, ``v_min`` the darkest level present and ``N`` the pixel
  count, ``lut[v] = rint(float32(cdf[v] − cdf[v_min]) · float32(255 / (N −
  cdf[v_min])))`` (float32 arithmetic, round half to even, as OpenCV computes
  it); a constant image is returned unchanged.
* ``binary_morphology(mask, op)`` with a 3×3 square structuring element, ``op``
  one of erode / dilate / open / close, OpenCV's border rule (pixels outside
  the image never change the result: they count as foreground for erosion and
  background for dilation). Opening = erode then dilate, closing = dilate then
  erode. Returns a bool array.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

MORPH_OPS = ("erode", "dilate", "open", "close")


def _sum_dtype(img: npt.NDArray[Any]) -> type[np.generic]:
    return np.float64 if img.dtype.kind == "f" else np.int64


def integral_image(img: npt.ArrayLike) -> npt.NDArray[Any]:
    """Summed-area table with a leading zero row and column (cv2.integral's layout)."""
    a = np.asarray(img)
    if a.ndim != 2:
        raise ValueError(f"img must be 2-D (H, W), got shape {a.shape}")
    dtype = _sum_dtype(a)
    table = np.zeros((a.shape[0] + 1, a.shape[1] + 1), dtype=dtype)
    table[1:, 1:] = a.astype(dtype).cumsum(axis=0).cumsum(axis=1)
    return table


def box_sums(img: npt.ArrayLike, boxes: npt.ArrayLike) -> npt.NDArray[Any]:
    """Sum of each half-open box ``(x1, y1, x2, y2)`` in O(1) from the integral image."""
    table = integral_image(img)
    b = np.asarray(boxes, dtype=np.int64).reshape(-1, 4)
    x1, y1, x2, y2 = b.T
    sums: npt.NDArray[Any] = table[y2, x2] - table[y1, x2] - table[y2, x1] + table[y1, x1]
    return sums


def _find(parent: list[int], i: int) -> int:
    root = i
    while parent[root] != root:
        root = parent[root]
    while parent[i] != root:  # path compression
        parent[i], i = root, parent[i]
    return root


def label_components(mask: npt.ArrayLike, connectivity: int = 4) -> tuple[npt.NDArray[np.int64], int]:
    """Two-pass labelling with union-find; labels renumbered in raster order of first pixel."""
    if connectivity not in (4, 8):
        raise ValueError(f"connectivity must be 4 or 8, got {connectivity!r}")
    fg = np.asarray(mask) != 0
    if fg.ndim != 2:
        raise ValueError(f"mask must be 2-D (H, W), got shape {fg.shape}")
    h, w = fg.shape
    rows = fg.tolist()
    provisional = [[0] * w for _ in range(h)]
    parent = [0]
    # Already-visited neighbours of (y, x) in raster order.
    offsets = [(-1, 0), (0, -1)] if connectivity == 4 else [(-1, -1), (-1, 0), (-1, 1), (0, -1)]
    for y in range(h):
        row, lab = rows[y], provisional[y]
        for x in range(w):
            if not row[x]:
                continue
            seen = [provisional[y + dy][x + dx] for dy, dx in offsets
                    if 0 <= y + dy and 0 <= x + dx < w and provisional[y + dy][x + dx]]
            if not seen:
                parent.append(len(parent))
                lab[x] = len(parent) - 1
                continue
            roots = {_find(parent, s) for s in seen}
            low = min(roots)
            for r in roots:
                parent[r] = low
            lab[x] = low
    # Second pass: resolve each provisional label to its root and renumber the
    # roots 1..n in order of first appearance (= raster order of first pixel).
    final = np.zeros((h, w), dtype=np.int64)
    number: dict[int, int] = {}
    for y in range(h):
        lab = provisional[y]
        for x in range(w):
            if lab[x]:
                root = _find(parent, lab[x])
                final[y, x] = number.setdefault(root, len(number) + 1)
    return final, len(number)


def equalize_hist(img: npt.ArrayLike) -> npt.NDArray[np.uint8]:
    """``cv2.equalizeHist`` for a uint8 image (float32 LUT arithmetic, as OpenCV)."""
    a = np.asarray(img)
    if a.dtype != np.uint8 or a.ndim != 2:
        raise ValueError(f"img must be a 2-D uint8 array, got {a.dtype} {a.shape}")
    hist = np.bincount(a.ravel(), minlength=256)
    v_min = int(np.flatnonzero(hist)[0])
    total = a.size
    if hist[v_min] == total:
        return a.copy()
    cdf = np.cumsum(hist)
    scale = np.float32(255.0) / np.float32(total - hist[v_min])
    lut = np.rint((cdf - cdf[v_min]).astype(np.float32) * scale)
    lut = np.clip(lut, 0, 255).astype(np.uint8)
    lut[:v_min] = 0
    out: npt.NDArray[np.uint8] = lut[a]
    return out


def _shift_reduce(fg: npt.NDArray[np.bool_], erode: bool) -> npt.NDArray[np.bool_]:
    h, w = fg.shape
    padded = np.pad(fg, 1, constant_values=erode)  # outside never changes the result
    out = padded[1:h + 1, 1:w + 1].copy()
    for dy in range(3):
        for dx in range(3):
            window = padded[dy:dy + h, dx:dx + w]
            out = out & window if erode else out | window
    return out


def binary_morphology(mask: npt.ArrayLike, op: str) -> npt.NDArray[np.bool_]:
    """Erode / dilate / open / close with a 3×3 square, OpenCV's border rule."""
    if op not in MORPH_OPS:
        raise ValueError(f"op must be one of {', '.join(MORPH_OPS)}, got {op!r}")
    fg = np.asarray(mask) != 0
    if fg.ndim != 2:
        raise ValueError(f"mask must be 2-D (H, W), got shape {fg.shape}")
    if op == "erode":
        return _shift_reduce(fg, True)
    if op == "dilate":
        return _shift_reduce(fg, False)
    if op == "open":
        return _shift_reduce(_shift_reduce(fg, True), False)
    return _shift_reduce(_shift_reduce(fg, False), True)
