"""Speed of the NumPy references against established implementations, same run.

    python bench/bench_references.py [--repeat 10] [--threads 1]

Prints one table row per reference: best-of-N wall time (runs interleaved) of ours, of the
baseline, and the ratio (ours / baseline; lower is better) with its target (issue #10: at or
below the library a user would pick instead):

* NMS on 5,000 boxes vs OpenCV ``cv2.dnn.NMSBoxes``      target <= 1x
* ROC AUC on 1,000,000 scores vs ``sklearn roc_auc_score`` target <= 1x
* conv2d 8x64x56x56, 3x3, 64 out vs torch CPU conv2d     target <= 1x

Threads are pinned equal: ``--threads N`` (default 1) for torch
(``torch.set_num_threads``) and for NumPy's BLAS (threadpoolctl), and OpenMP
waits passively (``OMP_WAIT_POLICY=PASSIVE``, set before torch loads) so
torch's idle threads do not spin on the cores NumPy runs on between the
interleaved runs (with spinning threads, NumPy's conv measured 3x slower). One
thread is the stable comparison on a shared machine; the other rows are
single-threaded code on both sides anyway. Both conv2d run in float32.

Same inputs on both sides: NMS gets the same boxes (OpenCV takes ``x, y, w, h``
rectangles, converted outside the timed region; its IoU is the same continuous
``w * h`` area, it suppresses on ``IoU > threshold`` and ``score_threshold=0``
keeps every box here), and must return exactly the same indices in the same
order. Results are compared first, so a fast wrong answer cannot win.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from typing import Any

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # before torch (or anything with OpenMP) loads

import numpy as np  # noqa: E402


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
    if ours.tolist() != np.asarray(base).ravel().tolist():
        raise SystemExit("NMS results differ from OpenCV")
    return ("NMS, 5,000 boxes", ours_t, base_t, 1.0, f"cv2.dnn.NMSBoxes {cv2.__version__}; {len(ours)} kept")


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


def bench_conv(repeat: int, threads: int) -> tuple[str, float, float, float, str]:
    import torch
    from threadpoolctl import threadpool_limits

    from dlquiz.grading.reference.conv import conv2d

    torch.set_num_threads(threads)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((8, 64, 56, 56)).astype(np.float32)
    w = rng.standard_normal((64, 64, 3, 3)).astype(np.float32)
    b = rng.standard_normal(64).astype(np.float32)
    xt, wt, bt = torch.from_numpy(x), torch.from_numpy(w), torch.from_numpy(b)

    def torch_conv() -> np.ndarray:
        with torch.no_grad():
            return torch.nn.functional.conv2d(xt, wt, bt, padding=1).numpy()

    # The floor of any im2col conv in NumPy: the same GEMMs alone (one per image,
    # weights (64, 576) @ columns (576, 58*56)), with the columns already built.
    kernels = w.transpose(0, 2, 3, 1).reshape(64, -1)
    columns = rng.standard_normal((8, 576, 58 * 56)).astype(np.float32)

    def gemm_only() -> list[np.ndarray]:
        return [kernels @ columns[i] for i in range(8)]

    kernels_t, columns_t = torch.from_numpy(kernels), torch.from_numpy(columns)

    def torch_gemm_only() -> list[torch.Tensor]:  # torch's own BLAS on the same GEMMs
        with torch.no_grad():
            return [kernels_t @ columns_t[i] for i in range(8)]

    with threadpool_limits(threads, user_api="blas"):
        ours_t, ours, base_t, base = best_of(lambda: conv2d(x, w, b, padding=1), torch_conv, repeat)
        gemm_t, _, torch_gemm_t, _ = best_of(gemm_only, torch_gemm_only, repeat)
    np.testing.assert_allclose(ours, base, rtol=1e-3, atol=1e-3)
    note = (f"torch {torch.__version__} CPU, {threads} thread(s) each (torch and NumPy's BLAS), "
            f"float32; NumPy's GEMMs alone take {gemm_t * 1e3:.1f} ms "
            f"({gemm_t / base_t:.2f}x torch's whole conv), torch's own matmul on them "
            f"{torch_gemm_t * 1e3:.1f} ms ({torch_gemm_t / base_t:.2f}x): its conv is no GEMM")
    return ("conv2d 8x64x56x56, 3x3, 64 out", ours_t, base_t, 1.0, note)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--threads", type=int, default=1,
                        help="threads for torch and for NumPy's BLAS in the conv2d row (default 1)")
    args = parser.parse_args()
    rows = [bench_nms(args.repeat), bench_auc(args.repeat), bench_conv(args.repeat, args.threads)]
    print(f"{'benchmark':32} {'ours':>10} {'baseline':>10} {'ratio':>7} {'target':>7}  ok   baseline")
    for name, ours, base, target, note in rows:
        ratio = ours / base
        ok = "yes" if ratio <= target else "NO"
        print(f"{name:32} {ours * 1e3:8.1f}ms {base * 1e3:8.1f}ms {ratio:6.2f}x {target:6.1f}x  {ok:4} {note}")
    print(f"numpy {np.__version__} (BLAS threads available: {blas_threads()}), {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.2f}, "
          f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '')!r}")


if __name__ == "__main__":
    main()
