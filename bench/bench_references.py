"""Speed of the NumPy references against established implementations, same run.

    python bench/bench_references.py [--repeat 5]

Prints one table row per reference: best-of-N wall time (runs interleaved) of ours, of the
baseline, and the ratio (ours / baseline; lower is better) with its target:

* NMS on 5,000 boxes vs OpenCV ``cv2.dnn.NMSBoxes``      target <= 3x
* ROC AUC on 1,000,000 scores vs ``sklearn roc_auc_score`` target <= 1x
* conv2d 8x64x56x56, 3x3, 64 out vs torch CPU conv2d     target <= 2x

torch gets as many threads as NumPy's BLAS uses (read with threadpoolctl
when available, else the CPU count), so the conv comparison is like for
like; both run in float32. Results are compared for equality first, so a
fast wrong answer cannot win.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from typing import Any

import numpy as np


def best_of(ours: Callable[[], Any], base: Callable[[], Any], repeat: int) -> tuple[float, Any, float, Any]:
    """Minimum wall time of each over ``repeat`` runs, after one warm-up each.

    The two are run alternately, so a busy machine slows both alike and the
    ratio stays meaningful even when the absolute times do not.
    """
    ours_result, base_result = ours(), base()
    ours_t = base_t = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        ours_result = ours()
        middle = time.perf_counter()
        base_result = base()
        end = time.perf_counter()
        ours_t, base_t = min(ours_t, middle - start), min(base_t, end - middle)
    return ours_t, ours_result, base_t, base_result


def blas_threads() -> int:
    try:
        from threadpoolctl import threadpool_info

        counts = [p["num_threads"] for p in threadpool_info() if p.get("user_api") == "blas"]
        if counts:
            return int(max(counts))
    except ImportError:
        pass
    return os.cpu_count() or 1


def bench_nms(repeat: int) -> tuple[str, float, float, float, str]:
    import cv2

    from dlquiz.grading.reference.detection import nms

    rng = np.random.default_rng(0)
    n = 5000
    xy = rng.uniform(0, 1000, (n, 2))
    wh = rng.uniform(10, 100, (n, 2))
    boxes = np.hstack([xy, xy + wh])
    scores = rng.random(n)
    # OpenCV takes (x, y, w, h) rectangles; convert outside the timed region.
    rects = [[float(v) for v in row] for row in np.hstack([xy, wh])]
    score_list = [float(s) for s in scores]
    ours_t, ours, base_t, base = best_of(
        lambda: nms(boxes, scores, 0.5), lambda: cv2.dnn.NMSBoxes(rects, score_list, 0.0, 0.5), repeat
    )
    if set(ours.tolist()) != set(np.asarray(base).ravel().tolist()):
        raise SystemExit("NMS results differ from OpenCV")
    return ("NMS, 5,000 boxes", ours_t, base_t, 3.0, f"cv2.dnn.NMSBoxes {cv2.__version__}; {len(ours)} kept")


def bench_auc(repeat: int) -> tuple[str, float, float, float, str]:
    import sklearn
    from sklearn.metrics import roc_auc_score

    from dlquiz.grading.reference.metrics import roc_auc

    rng = np.random.default_rng(0)
    n = 1_000_000
    y = rng.integers(0, 2, n)
    s = rng.random(n)
    ours_t, ours, base_t, base = best_of(lambda: roc_auc(y, s), lambda: roc_auc_score(y, s), repeat)
    if abs(ours - base) > 1e-12:
        raise SystemExit(f"AUC differs from scikit-learn: {ours} vs {base}")
    return ("ROC AUC, 1,000,000 scores", ours_t, base_t, 1.0, f"sklearn roc_auc_score {sklearn.__version__}")


def bench_conv(repeat: int) -> tuple[str, float, float, float, str]:
    import torch

    from dlquiz.grading.reference.conv import conv2d

    threads = blas_threads()
    torch.set_num_threads(threads)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((8, 64, 56, 56)).astype(np.float32)
    w = rng.standard_normal((64, 64, 3, 3)).astype(np.float32)
    b = rng.standard_normal(64).astype(np.float32)
    xt, wt, bt = torch.from_numpy(x), torch.from_numpy(w), torch.from_numpy(b)

    def torch_conv() -> np.ndarray:
        with torch.no_grad():
            return torch.nn.functional.conv2d(xt, wt, bt, padding=1).numpy()

    ours_t, ours, base_t, base = best_of(lambda: conv2d(x, w, b, padding=1), torch_conv, repeat)
    np.testing.assert_allclose(ours, base, rtol=1e-3, atol=1e-3)
    note = f"torch {torch.__version__} CPU, {threads} threads (= NumPy BLAS threads), float32"
    return ("conv2d 8x64x56x56, 3x3, 64 out", ours_t, base_t, 2.0, note)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    rows = [bench(args.repeat) for bench in (bench_nms, bench_auc, bench_conv)]
    print(f"{'benchmark':32} {'ours':>10} {'baseline':>10} {'ratio':>7} {'target':>7}  ok   baseline")
    for name, ours, base, target, note in rows:
        ratio = ours / base
        ok = "yes" if ratio <= target else "NO"
        print(f"{name:32} {ours * 1e3:8.1f}ms {base * 1e3:8.1f}ms {ratio:6.2f}x {target:6.1f}x  {ok:4} {note}")
    print(f"numpy {np.__version__}, {os.cpu_count()} CPUs, OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '')!r}")


if __name__ == "__main__":
    main()
