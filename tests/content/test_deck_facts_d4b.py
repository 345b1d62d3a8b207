"""Figures quoted on the search, image-processing and concurrency cards, recomputed.

Each test derives a number or a convention a card states (OpenCV defaults, the
Sobel factorisation, the Gaussian-σ rule, binary-search probe counts, the heapify
series, Amdahl's limit, the GIL switch interval...) from the library itself or from
first principles, then checks the card still says it.
"""

from __future__ import annotations

import bisect
import heapq
import math
import sys
import threading

import cv2
import numpy as np
import pytest
import scipy.ndimage as ndi

from tests.content.raw_decks import card, text_of


def test_integral_image_dtype_and_overflow_figures() -> None:
    assert cv2.integral(np.ones((2, 2), np.uint8)).dtype == np.int32
    total = 255 * 4000 * 3000
    assert total > 2**31 - 1 and round(total / 1e9, 1) == 3.1
    text = text_of(card("data-image", "integral-image-dtype"))
    assert "3.1·10⁹" in text and "CV_32S" in text


def test_gaussian_sigma_rule_and_small_tables() -> None:
    for k in (11, 15, 21):   # small sizes use fixed tables instead (checked below)
        sigma = 0.3 * ((k - 1) * 0.5 - 1) + 0.8
        np.testing.assert_allclose(cv2.getGaussianKernel(k, 0), cv2.getGaussianKernel(k, sigma),
                                   rtol=1e-6)
    np.testing.assert_allclose(cv2.getGaussianKernel(5, 0).ravel() * 16, [1, 4, 6, 4, 1])
    back = card("data-image", "gaussian-ksize-sigma")["back"]
    assert "0.3·((ksize − 1)·0.5 − 1) + 0.8" in back and "[1, 4, 6, 4, 1]/16" in back


def test_gaussian_is_separable_as_stated() -> None:
    img = np.random.default_rng(0).random((20, 20)).astype(np.float64)
    g = cv2.getGaussianKernel(7, 1.5)
    two_d = cv2.filter2D(img, -1, g @ g.T)
    sep = cv2.sepFilter2D(img, -1, g, g)
    np.testing.assert_allclose(two_d, sep, atol=1e-12)
    assert "225 → 30" in card("data-image", "gaussian-separable")["back"]


def test_sobel_kernel_factorisation() -> None:
    kx, ky = cv2.getDerivKernels(1, 0, 3)
    np.testing.assert_array_equal((ky @ kx.T), [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]])
    assert "[[−1, 0, 1], [−2, 0, 2], [−1, 0, 1]]" in card("data-image", "sobel-kernel")["back"]


def test_clahe_defaults_and_default_border() -> None:
    clahe = cv2.createCLAHE()
    assert clahe.getClipLimit() == 40.0 and tuple(clahe.getTilesGridSize()) == (8, 8)
    assert "clipLimit = 40.0, tileGridSize = (8, 8)" in card("data-image", "clahe")["back"]
    assert cv2.BORDER_DEFAULT == cv2.BORDER_REFLECT_101
    row = np.arange(8, dtype=np.uint8)[None] + ord("a")
    padded = cv2.copyMakeBorder(row, 0, 0, 6, 6, cv2.BORDER_DEFAULT)
    assert bytes(padded[0]).decode() == "gfedcb" + "abcdefgh" + "gfedcb"
    assert "gfedcb|abcdefgh|gfedcba" in card("data-image", "opencv-border-default")["back"]


def test_connected_component_defaults() -> None:
    diag = np.eye(3, dtype=np.uint8)
    assert cv2.connectedComponents(diag)[0] == 2            # 8-connectivity: 1 + background
    assert ndi.label(diag)[1] == 3                            # cross structure: 4-connectivity
    text = text_of(card("data-image", "cc-library-numbering"))
    assert "(4-connectivity in 2-D)" in text and "defaults to 8" in text


def test_erosion_border_rules_differ_as_stated() -> None:
    m = np.ones((4, 4), dtype=bool)
    assert cv2.erode(m.astype(np.uint8), np.ones((3, 3), np.uint8)).all()
    eroded = ndi.binary_erosion(m, np.ones((3, 3)))          # border_value=0 by default
    assert not eroded[0].any() and eroded[1:3, 1:3].all()
    assert ndi.binary_erosion(m, np.ones((3, 3)), border_value=1).all()
    assert "border_value=1" in card("data-image", "morph-border-rule")["explanation"]


def test_equalisation_examples_in_the_formula_card_hold() -> None:
    img = np.array([[10, 20, 30]], dtype=np.uint8)
    assert cv2.equalizeHist(img).tolist() == [[0, 128, 255]]
    const = np.full((3, 3), 77, np.uint8)
    assert (cv2.equalizeHist(const) == 77).all()
    assert "constant image unchanged" in card("data-image", "hist-eq-formula")["explanation"]


@pytest.mark.parametrize("n", [10**9])
def test_probe_count_for_a_billion(n: int) -> None:
    assert math.ceil(math.log2(n + 1)) == n.bit_length() == 30
    assert "30" in card("algorithms", "bsearch-probes-cloze")["text"]


def test_lower_upper_bound_count() -> None:
    a = [1, 2, 2, 2, 5]
    assert bisect.bisect_right(a, 2) - bisect.bisect_left(a, 2) == 3
    assert "upper − lower" in card("algorithms", "lower-vs-upper-bound")["back"]


def test_heapify_series_and_nlargest_stability() -> None:
    assert sum(h / 2**h for h in range(200)) == pytest.approx(2.0)
    items = [(3, "a"), (1, "b"), (3, "c")]
    assert heapq.nlargest(2, items, key=lambda t: t[0]) == [(3, "a"), (3, "c")]
    assert "converges (to 2)" in card("algorithms", "heapify-linear")["back"]


def test_quickselect_median_constant() -> None:
    assert round(2 * (1 + math.log(2)), 1) == 3.4
    assert "3.4n" in card("algorithms", "quickselect-expected-linear")["explanation"]


def test_amdahl_limit_and_switch_interval() -> None:
    p = 0.9
    assert 1 / ((1 - p) + p / 10**9) == pytest.approx(10.0, rel=1e-6)
    assert "10×" in card("systems", "amdahl-cloze")["text"]
    assert sys.getswitchinterval() == 0.005
    assert "0.005 s (5 ms)" in card("systems", "gil-switch-interval")["back"]


def test_condition_default_lock_is_reentrant_and_bounded_semaphore_raises() -> None:
    cond = threading.Condition()
    with cond, cond:          # re-entrant: an RLock
        pass
    sem = threading.BoundedSemaphore(1)
    with pytest.raises(ValueError):
        sem.release()
    assert "RLock by default" in card("systems", "reentrant-lock")["explanation"]
    assert "ValueError" in card("systems", "semaphore-rate-limit")["back"]


def test_dataloader_worker_facts_match_torch_source() -> None:
    import inspect

    from torch.utils.data._utils import worker

    source = inspect.getsource(worker._worker_loop)
    assert "torch.set_num_threads(1)" in source and "np.random.seed" in source
    assert "torch.set_num_threads(1)" in card("systems", "dataloader-worker-threads")["back"]
