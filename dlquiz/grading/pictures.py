"""Text pictures of a failing case, where a drawing explains better than numbers.

Plain characters only (no colour, no box-drawing beyond ASCII), so the same
picture reads in the app, in ``dlquiz check`` on a terminal and in a pipe:

* **boxes kept** (NMS, soft-NMS): every box of the case as ``.``, each kept box
  outlined with its index; the reference's choice on the left, yours on the right;
* **box pair** (IoU and its variants): the first pair whose value differs, box
  ``A`` and box ``B``, their intersection filled with ``#``;
* **ROI** (ROI Pool / Align): the feature map's extent and the failing ROI scaled
  by ``spatial_scale``, with the output grid's cell borders;
* **ROC**: both curves on one plot, the reference's as ``o`` and yours as ``x``
  (``*`` where they coincide).

:func:`picture_for` returns ``""`` for any other exercise, or when the values
are not the shapes a picture needs (a wrong answer can be anything).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

WIDTH = 36
HEIGHT = 12
LABELS = "0123456789abcdefghijklmnopqrstuvwxyz"


class _Canvas:
    def __init__(self, boxes: np.ndarray, width: int = WIDTH, height: int = HEIGHT) -> None:
        self.width, self.height = width, height
        self.grid = [[" "] * width for _ in range(height)]
        lo = boxes[:, :2].min(axis=0) if len(boxes) else np.zeros(2)
        hi = boxes[:, 2:].max(axis=0) if len(boxes) else np.ones(2)
        self.lo, self.span = lo, np.maximum(hi - lo, 1e-9)

    def _xy(self, x: float, y: float) -> tuple[int, int]:
        cx = int(round((x - self.lo[0]) / self.span[0] * (self.width - 1)))
        cy = int(round((y - self.lo[1]) / self.span[1] * (self.height - 1)))
        return min(max(cx, 0), self.width - 1), min(max(cy, 0), self.height - 1)

    def outline(self, box: Sequence[float], char: str) -> None:
        x1, y1 = self._xy(box[0], box[1])
        x2, y2 = self._xy(box[2], box[3])
        for x in range(x1, x2 + 1):
            self.grid[y1][x] = self.grid[y2][x] = char
        for y in range(y1, y2 + 1):
            self.grid[y][x1] = self.grid[y][x2] = char

    def fill(self, box: Sequence[float], char: str) -> None:
        x1, y1 = self._xy(box[0], box[1])
        x2, y2 = self._xy(box[2], box[3])
        for y in range(y1 + 1, y2):
            for x in range(x1 + 1, x2):
                self.grid[y][x] = char

    def lines(self) -> list[str]:
        return ["".join(row) for row in self.grid]


def _boxes(value: Any) -> np.ndarray | None:
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return None
    if arr.ndim != 2 or arr.shape[1] != 4 or not len(arr) or not np.isfinite(arr).all():
        return None
    return arr


def _indices(value: Any, n: int) -> list[int] | None:
    if isinstance(value, tuple) and value:  # soft-NMS returns (indices, scores)
        value = value[0]
    try:
        arr = np.asarray(value).reshape(-1)
    except (TypeError, ValueError):
        return None
    if arr.dtype.kind not in "iuf" or len(arr) > 4 * n:
        return None
    out = [int(v) for v in arr if float(v).is_integer()]
    return out if len(out) == len(arr) else None


def side_by_side(left: list[str], right: list[str], titles: tuple[str, str]) -> str:
    width = max(len(line) for line in left)
    rows = [f"{titles[0]:<{width}}   {titles[1]}"]
    rows += [f"{a:<{width}} | {b}" for a, b in zip(left, right)]
    return "\n".join(rows)


def boxes_kept(args: dict[str, Any], expected: Any, got: Any) -> str:
    boxes = _boxes(args.get("boxes"))
    if boxes is None or len(boxes) > len(LABELS):
        return ""
    want, have = _indices(expected, len(boxes)), _indices(got, len(boxes))
    if want is None or have is None:
        return ""
    panels = []
    for keep in (want, have):
        canvas = _Canvas(boxes)
        for box in boxes:
            canvas.outline(box, ".")
        for i in keep:
            if 0 <= i < len(boxes):
                canvas.outline(boxes[i], LABELS[i])
        panels.append(canvas.lines())
    titles = (f"expected keeps {' '.join(map(str, want)) or '-'}",
              f"yours keeps {' '.join(map(str, have)) or '-'}")
    return side_by_side(panels[0], panels[1], titles)


def box_pair(args: dict[str, Any], expected: Any, got: Any) -> str:
    a, b = _boxes(args.get("boxes1")), _boxes(args.get("boxes2"))
    try:
        want, have = np.asarray(expected, dtype=np.float64), np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError):
        return ""
    if a is None or b is None or want.shape != (len(a), len(b)) or have.shape != want.shape:
        return ""
    diff = ~np.isclose(want, have, rtol=1e-6, atol=1e-9)
    if not diff.any():
        return ""
    i, j = (int(k) for k in np.argwhere(diff)[0])
    canvas = _Canvas(np.stack([a[i], b[j]]))
    inter = [max(a[i][0], b[j][0]), max(a[i][1], b[j][1]), min(a[i][2], b[j][2]), min(a[i][3], b[j][3])]
    if inter[0] < inter[2] and inter[1] < inter[3]:
        canvas.fill(inter, "#")
    canvas.outline(a[i], "A")
    canvas.outline(b[j], "B")
    head = (f"boxes1[{i}] = A {np.round(a[i], 3).tolist()}, boxes2[{j}] = B {np.round(b[j], 3).tolist()}"
            f"\nexpected {want[i, j]:.6g}, yours {have[i, j]:.6g}  (# = intersection)")
    return head + "\n" + "\n".join(canvas.lines())


def roi(args: dict[str, Any], expected: Any, got: Any) -> str:
    features = np.asarray(args.get("features"))
    rois = _boxes(np.asarray(args.get("rois"), dtype=np.float64)[:, -4:]) if np.ndim(args.get("rois")) == 2 else None
    if features.ndim < 2 or rois is None:
        return ""
    try:
        want, have = np.asarray(expected, dtype=np.float64), np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError):
        return ""
    k = 0
    if want.shape == have.shape and want.ndim >= 1 and len(want) == len(rois):
        bad = [r for r in range(len(rois)) if not np.allclose(want[r], have[r], rtol=1e-6, atol=1e-9)]
        k = bad[0] if bad else 0
    scale = float(args.get("spatial_scale", 1.0))
    height, width = features.shape[-2:]
    box = rois[k] * scale
    frame = np.array([[0.0, 0.0, float(width), float(height)], box])
    canvas = _Canvas(frame)
    canvas.outline(frame[0], ".")
    canvas.outline(box, "R")
    return (f"roi {k}: {np.round(rois[k], 3).tolist()} x spatial_scale {scale:g} = "
            f"{np.round(box, 3).tolist()} on a {height}x{width} feature map (. = its border)\n"
            + "\n".join(canvas.lines()))


def roc(args: dict[str, Any], expected: Any, got: Any) -> str:
    def curve(value: Any) -> tuple[np.ndarray, np.ndarray] | None:
        if not isinstance(value, tuple) or len(value) < 2:
            return None
        try:
            fpr, tpr = (np.asarray(v, dtype=np.float64).reshape(-1) for v in value[:2])
        except (TypeError, ValueError):
            return None
        ok = len(fpr) == len(tpr) and len(fpr) and np.isfinite(fpr).all() and np.isfinite(tpr).all()
        return (fpr, tpr) if ok else None

    want, have = curve(expected), curve(got)
    if want is None or have is None:
        return ""
    grid = [[" "] * WIDTH for _ in range(HEIGHT)]
    for (fpr, tpr), mark in ((want, "o"), (have, "x")):
        for x, y in zip(fpr, tpr):
            cx = min(max(int(round(x * (WIDTH - 1))), 0), WIDTH - 1)
            cy = HEIGHT - 1 - min(max(int(round(y * (HEIGHT - 1))), 0), HEIGHT - 1)
            grid[cy][cx] = "*" if grid[cy][cx] not in (" ", mark) else mark
    lines = ["TPR  (o = expected, x = yours, * = both)"]
    lines += ["|" + "".join(row) for row in grid]
    lines.append("+" + "-" * WIDTH + " FPR")
    return "\n".join(lines)


#: Bundled exercises that get a picture, by id.
PICTURES: dict[str, Callable[[dict[str, Any], Any, Any], str]] = {
    "nms": boxes_kept, "soft-nms": boxes_kept, "iou": box_pair,
    "roi-pool": roi, "roi-align": roi, "roc-curve": roc,
}


def picture_for(exercise_id: str, args: dict[str, Any], expected: Any, got: Any) -> str:
    """The picture of a failing case, or ``""`` (never raises: a picture is a bonus)."""
    draw = PICTURES.get(exercise_id)
    if draw is None:
        return ""
    try:
        return draw(args, expected, got)
    except Exception:  # noqa: BLE001 - any returned value may arrive here; a picture is optional
        return ""
