"""GIoU/DIoU/CIoU, box coding and anchors against independent oracles.

torchvision is not installable here, so the oracles are (a) torchvision's
formulas re-typed in torch in this file (pairwise broadcasting in torch,
float64), (b) per-pair pure-Python loops written from the papers, and (c)
closed forms on hand-made boxes, plus hypothesis properties (symmetry,
bounds, invariances, encode/decode round trip).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from dlquiz.grading.cases.boxes import (
    anchor_cases,
    ciou_cases,
    decode_cases,
    diou_cases,
    encode_cases,
    giou_cases,
)
from dlquiz.grading.cases.detection import random_boxes
from dlquiz.grading.reference.boxes import (
    BBOX_XFORM_CLIP,
    anchor_grid,
    complete_box_iou,
    decode_boxes,
    distance_box_iou,
    encode_boxes,
    generalized_box_iou,
)


# ------------------------------------------------------------------ oracles
def torch_family(a: np.ndarray, b: np.ndarray, eps: float = 1e-7) -> tuple[np.ndarray, ...]:
    """(GIoU, DIoU, CIoU) as torchvision.ops computes them, in torch float64."""
    b1, b2 = torch.from_numpy(a), torch.from_numpy(b)
    area1 = (b1[:, 2] - b1[:, 0]) * (b1[:, 3] - b1[:, 1])
    area2 = (b2[:, 2] - b2[:, 0]) * (b2[:, 3] - b2[:, 1])
    lt = torch.max(b1[:, None, :2], b2[:, :2])
    rb = torch.min(b1[:, None, 2:], b2[:, 2:])
    wh = (rb - lt).clamp(min=0)
    inter = wh[..., 0] * wh[..., 1]
    union = area1[:, None] + area2 - inter
    iou = inter / union
    lti = torch.min(b1[:, None, :2], b2[:, :2])
    rbi = torch.max(b1[:, None, 2:], b2[:, 2:])
    whi = (rbi - lti).clamp(min=0)
    areai = whi[..., 0] * whi[..., 1]
    giou = iou - (areai - union) / areai
    diag = whi[..., 0] ** 2 + whi[..., 1] ** 2 + eps
    cx1, cy1 = (b1[:, 0] + b1[:, 2]) / 2, (b1[:, 1] + b1[:, 3]) / 2
    cx2, cy2 = (b2[:, 0] + b2[:, 2]) / 2, (b2[:, 1] + b2[:, 3]) / 2
    dist = (cx1[:, None] - cx2[None]) ** 2 + (cy1[:, None] - cy2[None]) ** 2
    diou = iou - dist / diag
    w1, h1 = b1[:, None, 2] - b1[:, None, 0], b1[:, None, 3] - b1[:, None, 1]
    w2, h2 = b2[:, 2] - b2[:, 0], b2[:, 3] - b2[:, 1]
    v = (4 / torch.pi ** 2) * torch.pow(torch.atan(w1 / h1) - torch.atan(w2 / h2), 2)
    alpha = v / (1 - iou + v + eps)
    return giou.numpy(), diou.numpy(), (diou - alpha * v).numpy()


def loop_giou(a: list[float], b: list[float]) -> float:
    """GIoU of one pair from Rezatofighi et al., Algorithm 1, in plain Python."""
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    area_c = (max(a[2], b[2]) - min(a[0], b[0])) * (max(a[3], b[3]) - min(a[1], b[1]))
    return (inter / union if union > 0 else 0.0) - ((area_c - union) / area_c if area_c > 0 else 0.0)


def torch_box_coder(gt: np.ndarray, anchors: np.ndarray, codes: np.ndarray, weights: tuple[float, ...],
                    clip: float = math.log(1000.0 / 16)) -> tuple[np.ndarray, np.ndarray]:
    """torchvision BoxCoder.encode / decode_single, re-typed in torch (float64)."""
    g, p, rel = torch.from_numpy(gt), torch.from_numpy(anchors), torch.from_numpy(codes)
    wx, wy, ww, wh = weights
    ex_w, ex_h = p[:, 2] - p[:, 0], p[:, 3] - p[:, 1]
    ex_x, ex_y = p[:, 0] + 0.5 * ex_w, p[:, 1] + 0.5 * ex_h
    gt_w, gt_h = g[:, 2] - g[:, 0], g[:, 3] - g[:, 1]
    gt_x, gt_y = g[:, 0] + 0.5 * gt_w, g[:, 1] + 0.5 * gt_h
    enc = torch.stack([wx * (gt_x - ex_x) / ex_w, wy * (gt_y - ex_y) / ex_h,
                       ww * torch.log(gt_w / ex_w), wh * torch.log(gt_h / ex_h)], dim=1)
    dx, dy = rel[:, 0::4] / wx, rel[:, 1::4] / wy
    dw = torch.clamp(rel[:, 2::4] / ww, max=clip)
    dh = torch.clamp(rel[:, 3::4] / wh, max=clip)
    pcx, pcy = dx * ex_w[:, None] + ex_x[:, None], dy * ex_h[:, None] + ex_y[:, None]
    pw, ph = torch.exp(dw) * ex_w[:, None], torch.exp(dh) * ex_h[:, None]
    dec = torch.stack((pcx - 0.5 * pw, pcy - 0.5 * ph, pcx + 0.5 * pw, pcy + 0.5 * ph), dim=2).flatten(1)
    return enc.numpy(), dec.numpy()


def torch_anchors(sizes: list[float], ratios: list[float], grid: tuple[int, int],
                  stride: tuple[int, int]) -> np.ndarray:
    """AnchorGenerator.generate_anchors + grid_anchors, re-typed in torch (float64)."""
    scales = torch.as_tensor(sizes, dtype=torch.float64)
    ar = torch.as_tensor(ratios, dtype=torch.float64)
    h_ratios = torch.sqrt(ar)
    w_ratios = 1 / h_ratios
    ws = (w_ratios[:, None] * scales[None, :]).view(-1)
    hs = (h_ratios[:, None] * scales[None, :]).view(-1)
    base = (torch.stack([-ws, -hs, ws, hs], dim=1) / 2).round()
    shifts_x = torch.arange(0, grid[1], dtype=torch.int32) * stride[1]
    shifts_y = torch.arange(0, grid[0], dtype=torch.int32) * stride[0]
    shift_y, shift_x = torch.meshgrid(shifts_y, shifts_x, indexing="ij")
    shift_x, shift_y = shift_x.reshape(-1), shift_y.reshape(-1)
    shifts = torch.stack((shift_x, shift_y, shift_x, shift_y), dim=1)
    return (shifts.view(-1, 1, 4) + base.view(1, -1, 4)).reshape(-1, 4).numpy()


# ------------------------------------------------------------------ GIoU / DIoU / CIoU
def _positive_case_args(cases: list) -> list[tuple[np.ndarray, np.ndarray, float]]:
    """Case inputs where torchvision's formulas are defined (positive areas, non-empty)."""
    out = []
    for case in cases:
        if case.kind == "perf":
            continue
        a, b = case.args["boxes1"], case.args["boxes2"]
        if len(a) and len(b) and np.all(a[:, 2:] > a[:, :2]) and np.all(b[:, 2:] > b[:, :2]):
            out.append((a, b, float(case.args.get("eps", 1e-7))))
    return out


def test_family_matches_torch_formulas_on_every_valid_case() -> None:
    rng = np.random.default_rng(3)
    checked = 0
    for gen, pick in [(giou_cases, 0), (diou_cases, 1), (ciou_cases, 2)]:
        for a, b, eps in _positive_case_args(gen(rng)):
            want = torch_family(a, b, eps)[pick]
            ours = [generalized_box_iou(a, b), distance_box_iou(a, b, eps), complete_box_iou(a, b, eps)][pick]
            np.testing.assert_allclose(ours, want, rtol=1e-10, atol=1e-12)
            checked += 1
    assert checked >= 30


@pytest.mark.parametrize("seed", range(5))
def test_giou_matches_pair_loop(seed: int) -> None:
    rng = np.random.default_rng(seed)
    a, b = random_boxes(rng, 12, clusters=2), random_boxes(rng, 9, clusters=2)
    want = np.array([[loop_giou(list(x), list(y)) for y in b] for x in a])
    np.testing.assert_allclose(generalized_box_iou(a, b), want, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(("a", "b", "giou"), [
    ([0, 0, 2, 2], [0, 0, 2, 2], 1.0),                       # identical
    ([0, 0, 1, 1], [2, 0, 3, 1], -1 / 3),                    # disjoint: IoU 0, C = 3, U = 2
    ([0, 0, 1, 1], [1, 0, 2, 1], 0.0),                       # touching: C = U
    ([0, 0, 4, 4], [1, 1, 3, 3], 0.25),                      # nested: C = outer box, penalty 0
    ([0, 0, 2, 2], [1, 1, 3, 3], 1 / 7 - 2 / 9),             # IoU 1/7, C = 9, U = 7
    ([0, 0, 1, 1], [9, 9, 10, 10], -1 + 2 / 100),            # far apart: towards −1
    ([1, 1, 1, 1], [5, 5, 5, 5], -1.0),                      # two points: union 0, C = 16
    ([1, 1, 1, 1], [1, 1, 1, 1], 0.0),                       # same point: |C| = 0 rule
])
def test_giou_closed_forms(a: list[float], b: list[float], giou: float) -> None:
    assert generalized_box_iou([a], [b])[0, 0] == pytest.approx(giou, abs=1e-12)


def test_giou_on_normalised_sub_unit_boxes() -> None:
    a = [0.10, 0.10, 0.15, 0.16]
    b = [[0.12, 0.11, 0.16, 0.15], [0.3, 0.3, 0.32, 0.33]]
    # Pair 1: I = 0.03·0.04, U = 0.05·0.06 + 0.04·0.04 − I, C = 0.06·0.06.
    inter, union, c = 0.03 * 0.04, 0.05 * 0.06 + 0.04 * 0.04 - 0.03 * 0.04, 0.06 * 0.06
    # Pair 2: disjoint, U = 0.05·0.06 + 0.02·0.03, C = 0.22·0.23.
    union2, c2 = 0.05 * 0.06 + 0.02 * 0.03, 0.22 * 0.23
    want = np.array([[inter / union - (c - union) / c, -(c2 - union2) / c2]])
    got = generalized_box_iou([a], b)
    np.testing.assert_allclose(got, want, rtol=1e-12)
    np.testing.assert_allclose(got, [[loop_giou(a, bb) for bb in b]], rtol=1e-12)
    np.testing.assert_allclose(got, torch_family(np.array([a]), np.array(b))[0], rtol=1e-12)
    np.testing.assert_allclose(got, [[0.29738562, -0.92885375]], rtol=1e-7)
    # An eps of 1e-7 in the IoU denominator is ~3e-5 relative here: far past rtol 1e-6.
    assert abs(inter / (union + 1e-7) - inter / union) > 10 * 1e-6 * abs(got[0, 0])


def test_diou_and_ciou_closed_forms() -> None:
    # Nested and concentric: ρ = 0, so DIoU = IoU; CIoU also (same aspect ratio, v = 0).
    assert distance_box_iou([[0, 0, 4, 4]], [[1, 1, 3, 3]])[0, 0] == pytest.approx(0.25)
    assert complete_box_iou([[0, 0, 4, 4]], [[1, 1, 3, 3]])[0, 0] == pytest.approx(0.25)
    # Side by side unit boxes with a gap of 1: IoU 0, ρ² = 4, c² = 9 + 1.
    assert distance_box_iou([[0, 0, 1, 1]], [[2, 0, 3, 1]], eps=0.0)[0, 0] == pytest.approx(-0.4)
    # Same centre, 4x1 vs 1x4: IoU 1/7, ρ = 0, v = (4/π²)(atan 4 − atan 0.25)².
    v = 4 / math.pi ** 2 * (math.atan(4) - math.atan(0.25)) ** 2
    want = 1 / 7 - v * v / (1 - 1 / 7 + v)
    got = complete_box_iou([[0, 1.5, 4, 2.5]], [[1.5, 0, 2.5, 4]], eps=0.0)[0, 0]
    assert got == pytest.approx(want, rel=1e-12)


box = st.tuples(st.floats(-50, 50), st.floats(-50, 50), st.floats(0.5, 40), st.floats(0.5, 40)).map(
    lambda t: [t[0], t[1], t[0] + t[2], t[1] + t[3]])


@settings(max_examples=50, deadline=None)
@given(st.lists(box, min_size=1, max_size=5), st.lists(box, min_size=1, max_size=5),
       st.floats(-100, 100), st.floats(0.1, 10))
def test_family_properties(a: list[list[float]], b: list[list[float]], shift: float, scale: float) -> None:
    A, B = np.array(a), np.array(b)
    for fn in (generalized_box_iou, distance_box_iou, complete_box_iou):
        m = fn(A, B)
        np.testing.assert_allclose(fn(B, A), m.T, rtol=1e-9, atol=1e-9)          # symmetric
        low = -2.0 if fn is complete_box_iou else -1.0       # CIoU subtracts α·v <= 1 more
        assert np.all(m <= 1 + 1e-12) and np.all(m > low)                        # bounds
        np.testing.assert_allclose(fn(A + shift, B + shift), m, rtol=1e-6, atol=1e-6)  # translation
    np.testing.assert_allclose(generalized_box_iou(A * scale, B * scale), generalized_box_iou(A, B),
                               rtol=1e-9, atol=1e-9)                             # scale invariant
    iou = np.array([[_loop_iou(x, y) for y in B] for x in A])
    assert np.all(generalized_box_iou(A, B) <= iou + 1e-12)
    assert np.all(complete_box_iou(A, B) <= distance_box_iou(A, B) + 1e-12)
    np.testing.assert_allclose(np.diag(generalized_box_iou(A, A)), 1.0, atol=1e-12)


def _loop_iou(a: np.ndarray, b: np.ndarray) -> float:
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - ix * iy
    return ix * iy / union


# ------------------------------------------------------------------ box coding
def test_encode_decode_match_torch_box_coder_on_cases() -> None:
    rng = np.random.default_rng(5)
    enc_cases = [c for c in encode_cases(rng) if len(c.args["proposals"])]
    for case in enc_cases:
        w = tuple(case.args.get("weights", (1.0, 1.0, 1.0, 1.0)))
        g, p = case.args["reference_boxes"], case.args["proposals"]
        want, _ = torch_box_coder(g, p, np.zeros((len(g), 4)), w)
        np.testing.assert_allclose(encode_boxes(g, p, w), want, rtol=1e-12, atol=1e-12)
    for case in decode_cases(rng):
        codes, anchors = case.args["rel_codes"], case.args["boxes"]
        if not len(anchors):
            continue
        w = tuple(case.args.get("weights", (1.0, 1.0, 1.0, 1.0)))
        clip = float(case.args.get("bbox_xform_clip", BBOX_XFORM_CLIP))
        _, want = torch_box_coder(anchors, anchors, codes, w, clip)
        np.testing.assert_allclose(decode_boxes(codes, anchors, w, clip), want, rtol=1e-12, atol=1e-9)


def test_box_coder_hand_values() -> None:
    np.testing.assert_allclose(encode_boxes([[30, 60, 70, 140]], [[10, 20, 50, 100]]), [[0.5, 0.5, 0, 0]])
    np.testing.assert_allclose(encode_boxes([[0, 0, 20, 10]], [[0, 0, 10, 10]], (10, 10, 5, 5)),
                               [[5.0, 0.0, 5 * math.log(2), 0.0]])
    # dw = 10 is clamped to log(1000/16): width 16 · 62.5 = 1000 about centre 8.
    np.testing.assert_allclose(decode_boxes([[0, 0, 10.0, 0]], [[0, 0, 16, 16]]), [[-492, 0, 508, 16]])
    assert BBOX_XFORM_CLIP == math.log(1000.0 / 16)


@settings(max_examples=50, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sampled_from([(1.0, 1.0, 1.0, 1.0), (10.0, 10.0, 5.0, 5.0), (2.0, 3.0, 0.5, 7.0)]))
def test_encode_decode_round_trip(seed: int, weights: tuple[float, ...]) -> None:
    rng = np.random.default_rng(seed)
    anchors = random_boxes(rng, 8, extent=300.0)
    gt = random_boxes(rng, 8, extent=300.0)
    deltas = encode_boxes(gt, anchors, weights)
    if np.all(deltas[:, 2:] / np.array(weights[2:]) < BBOX_XFORM_CLIP):
        np.testing.assert_allclose(decode_boxes(deltas, anchors, weights), gt, rtol=1e-9, atol=1e-9)
    # Deltas are invariant to translating and scaling both boxes together.
    s = float(rng.uniform(0.2, 5.0))
    np.testing.assert_allclose(encode_boxes(gt * s + 7, anchors * s + 7, weights), deltas, rtol=1e-7, atol=1e-7)


# ------------------------------------------------------------------ anchors
def loop_anchors(sizes: list[float], ratios: list[float], grid: tuple[int, int],
                 stride: tuple[int, int]) -> np.ndarray:
    rows = []
    for y in range(grid[0]):
        for x in range(grid[1]):
            for r in ratios:
                for s in sizes:
                    w, h = s / math.sqrt(r), s * math.sqrt(r)
                    half = [round(-w / 2), round(-h / 2), round(w / 2), round(h / 2)]  # banker's rounding
                    rows.append([half[0] + x * stride[1], half[1] + y * stride[0],
                                 half[2] + x * stride[1], half[3] + y * stride[0]])
    return np.array(rows, dtype=np.float64).reshape(-1, 4)


def test_anchors_match_torch_and_loop_on_cases() -> None:
    for case in anchor_cases(np.random.default_rng(2)):
        args = case.args
        grid, stride = tuple(args["feature_size"]), tuple(args["stride"])
        ours = anchor_grid(args["sizes"], args["aspect_ratios"], grid, stride)
        np.testing.assert_array_equal(ours, torch_anchors(args["sizes"], args["aspect_ratios"], grid, stride))
        if grid[0] * grid[1] <= 400:
            np.testing.assert_array_equal(ours, loop_anchors(args["sizes"], args["aspect_ratios"], grid, stride))


def test_anchor_hand_values() -> None:
    got = anchor_grid([32], [0.5, 1.0, 2.0], (1, 2), (16, 16))
    np.testing.assert_array_equal(got[:3], [[-23, -11, 23, 11], [-16, -16, 16, 16], [-11, -23, 11, 23]])
    np.testing.assert_array_equal(got[3:], got[:3] + [16, 0, 16, 0])
    np.testing.assert_array_equal(anchor_grid([33], [1.0], (1, 1), (1, 1)), [[-16, -16, 16, 16]])
    np.testing.assert_array_equal(anchor_grid([35], [1.0], (1, 1), (1, 1)), [[-18, -18, 18, 18]])


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(4, 512), min_size=1, max_size=3), st.lists(st.sampled_from([0.25, 0.5, 1.0, 2.0, 4.0]),
       min_size=1, max_size=3, unique=True), st.integers(1, 6), st.integers(1, 6), st.integers(1, 64))
def test_anchor_properties(sizes: list[int], ratios: list[float], h: int, w: int, stride: int) -> None:
    out = anchor_grid(sizes, ratios, (h, w), (stride, stride))
    a = len(sizes) * len(ratios)
    assert out.shape == (h * w * a, 4)
    centres = (out[:, :2] + out[:, 2:]) / 2
    cell = np.repeat(np.stack(np.meshgrid(np.arange(h), np.arange(w), indexing="ij"), -1).reshape(-1, 2), a, 0)
    # Symmetric rounding keeps every anchor centred on its cell corner (x·s, y·s).
    np.testing.assert_allclose(centres, cell[:, ::-1] * stride, atol=1e-12)
    widths = out[:a, 2] - out[:a, 0]
    want = np.array([s / math.sqrt(r) for r in ratios for s in sizes])
    assert np.all(np.abs(widths - want) <= 1.0 + 1e-9)            # rounding moves each side by <= 0.5


# ------------------------------------------------------------------ facts quoted on the detection cards
def _card(card_id: str) -> dict:
    import pathlib

    import yaml

    path = pathlib.Path(__file__).resolve().parents[2] / "decks" / "detection.yaml"
    return next(c for c in yaml.safe_load(path.read_text(encoding="utf-8"))["cards"] if c["id"] == card_id)


def test_clamp_card_numbers() -> None:
    text = _card("box-decode-clamp")["text"]
    assert f"{BBOX_XFORM_CLIP:.3f}" in text and "62.5" in text
    assert math.exp(BBOX_XFORM_CLIP) == pytest.approx(62.5)


def test_log_space_card_numbers() -> None:
    back = _card("box-log-space")["back"]
    assert f"+{math.log(2):.2f}" in back and f"−{math.log(2):.2f}" in back


def test_anchor_cards_match_the_reference() -> None:
    # Every ratio keeps the area s² (before rounding); ratio 0.5 is wide (h = w/2).
    w, h = 64 / math.sqrt(0.5), 64 * math.sqrt(0.5)
    assert w * h == pytest.approx(64 * 64) and h == pytest.approx(w / 2)
    assert "s / √r" in _card("anchor-ratio-area")["text"]
    # FPN defaults: anchor size 8x the level stride for P2-P6.
    for size, stride in zip((32, 64, 128, 256, 512), (4, 8, 16, 32, 64)):
        out = anchor_grid([size], [0.5, 1.0, 2.0], (2, 2), (stride, stride))
        assert out.shape == (12, 4) and out[1, 2] - out[1, 0] == size == 8 * stride


def test_giou_range_card() -> None:
    assert "(−1, 1]" in _card("giou-range")["text"]
    far = generalized_box_iou([[0, 0, 1, 1]], [[1e6, 1e6, 1e6 + 1, 1e6 + 1]])[0, 0]
    assert -1 < far < -0.999999
