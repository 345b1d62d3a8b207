"""Spot checks of numbers quoted in the detection, tracking and geometry decks.

Each test recomputes a figure that a card states in prose (an IoU, a channel count,
a χ² gate, a bias initialisation...) from first principles or with an independent
library (SciPy, OpenCV), and checks that the card text quotes that figure. A card
edited into a wrong number fails here. Structural checks (the shape of the decks
for this area) sit at the bottom.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from tests.content.raw_decks import DECKS, _deck, card, text_of

AREA_FILES = ("detection.yaml", "tracking.yaml", "geometry.yaml")




def iou_xyxy(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    """IoU of two (x1, y1, x2, y2) boxes, written independently of dlquiz's reference."""
    w = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    h = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = w * h
    area = lambda r: (r[2] - r[0]) * (r[3] - r[1])  # noqa: E731
    return inter / (area(a) + area(b) - inter)


def test_small_object_iou_sensitivity_numbers() -> None:
    small = iou_xyxy((0, 0, 6, 6), (2, 0, 8, 6))
    large = iou_xyxy((0, 0, 60, 60), (2, 0, 62, 60))
    assert small == pytest.approx(24 / 48)
    assert large == pytest.approx(3480 / 3720)
    back = card("detection", "small-iou-sensitivity")["back"]
    assert "24/48 = 0.5" in back
    assert "3480/3720" in back and f"{large:.2f}" in back


def test_iou_clip_bug_card_describes_real_failure() -> None:
    # Boxes disjoint on both axes: unclipped widths are both negative, product positive.
    a, b = (0, 0, 2, 2), (5, 5, 7, 7)
    unclipped = (min(a[2], b[2]) - max(a[0], b[0])) * (min(a[3], b[3]) - max(a[1], b[1]))
    assert unclipped > 0 and iou_xyxy(a, b) == 0
    c = card("detection", "iou-clip-bug")
    assert "disjoint in both axes it is positive" in c["choices"][c["answer"]]


def test_roi_pooling_quantisation_example() -> None:
    exact = 665 / 16
    err_cells = exact - math.floor(exact)
    back = card("detection", "roi-quantization-error")["back"]
    assert f"{exact:g}" in back and f"{err_cells:g}" in back
    assert f"≈ {round(err_cells * 16)} px" in back


def test_focal_loss_down_weighting_factors() -> None:
    back = card("detection", "fl-gamma-effect")["back"]
    assert (1 - 0.9) ** 2 == pytest.approx(0.01)
    assert "100×" in back
    assert 1 / (1 - 0.968) ** 2 == pytest.approx(1000, rel=0.03)
    assert "~1000×" in back


def test_retinanet_prior_bias() -> None:
    pi = 0.01
    b = -math.log((1 - pi) / pi)
    assert 1 / (1 + math.exp(-b)) == pytest.approx(pi)
    quoted = f"b ≈ {b:.1f}".replace("-", "−")  # the deck uses the Unicode minus sign
    assert quoted in card("detection", "fl-prior-init")["back"]


def test_yolov3_output_channels() -> None:
    anchors_per_scale, coco_classes = 3, 80
    channels = anchors_per_scale * (4 + 1 + coco_classes)
    assert f"{{{{c1::{channels}}}}}" in card("detection", "yolo-v3-output-channels")["text"]


def test_yolov3_anchor_list_has_nine_sorted_by_area() -> None:
    expl = card("detection", "yolo-v3-anchors")["explanation"]
    sizes = [(int(w), int(h)) for w, h in re.findall(r"(\d+)×(\d+)", expl)]
    assert len(sizes) == 9
    areas = [w * h for w, h in sizes]
    # Three groups of three, each group larger than the previous one (small → large scales).
    groups = [areas[i:i + 3] for i in (0, 3, 6)]
    assert max(groups[0]) < min(groups[1]) and max(groups[1]) < min(groups[2])


def test_ssd300_default_box_count() -> None:
    maps = [38, 19, 10, 5, 3, 1]
    boxes_per_cell = [4, 6, 6, 6, 4, 4]
    total = sum(m * m * k for m, k in zip(maps, boxes_per_cell))
    assert total == 8732
    assert f"{total} default boxes" in card("detection", "ssd-default-box-scales")["explanation"]


def test_faster_rcnn_anchor_count() -> None:
    back = card("detection", "frcnn-anchors")["back"]
    scales, ratios = 3, 3
    assert back.startswith(f"{scales * ratios} = 3 scales")


def test_coco_ap_thresholds() -> None:
    thresholds = np.linspace(0.5, 0.95, 10)
    assert np.allclose(np.diff(thresholds), 0.05)
    assert "(10 thresholds)" in card("detection", "det-coco-map")["text"]


def test_deepsort_chi_square_gate() -> None:
    from scipy import stats
    gate = stats.chi2.ppf(0.95, df=4)
    for deck, cid in (("tracking", "kf-innovation-gating"), ("tracking", "deepsort-cost-gating")):
        assert f"{gate:.4f}" in text_of(card(deck, cid))


def test_kalman_gain_limits_match_formula() -> None:
    p_prior = 2.0
    gain = lambda r: p_prior / (p_prior + r)  # noqa: E731
    assert gain(1e9) < 1e-8 and gain(0.0) == 1.0
    back = card("tracking", "kf-gain-limits")["back"]
    assert "R ≫ P⁻, K → 0" in back and "R → 0, K → 1" in back


def test_one_euro_alpha_formula_matches_low_pass() -> None:
    # α = 1/(1 + τ/Tₑ) with τ = 1/(2π f_c) equals Tₑ/(Tₑ + τ); check on one value.
    fc, te = 1.0, 1 / 60
    tau = 1 / (2 * math.pi * fc)
    assert 1 / (1 + tau / te) == pytest.approx(te / (te + tau))
    text = card("tracking", "oe-smoothing-alpha")["text"]
    assert "{{c1::1 / (1 + τ/Tₑ)}}" in text and "{{c2::1 / (2π·f_c)}}" in text


def test_pinhole_formula_matches_opencv_projection() -> None:
    import cv2
    k = np.array([[800.0, 0, 320], [0, 780, 240], [0, 0, 1]])
    rvec, tvec = np.array([0.1, -0.2, 0.05]), np.array([0.3, -0.1, 4.0])
    point = np.array([[0.5, 0.2, 1.0]])
    pix, _ = cv2.projectPoints(point, rvec, tvec, k, np.zeros(5))
    rot, _ = cv2.Rodrigues(rvec)
    xc = rot @ point[0] + tvec
    u = k[0, 0] * xc[0] / xc[2] + k[0, 2]  # the formula the card states
    v = k[1, 1] * xc[1] / xc[2] + k[1, 2]
    assert np.allclose(pix.ravel(), [u, v])
    assert "{{c1::f_x·X_c / Z_c + c_x}}" in card("geometry", "calib-pinhole-u")["text"]


def test_barrel_distortion_sign() -> None:
    # Forward model with k1 < 0 pulls far points inward more than near ones: barrel.
    k1 = -0.2
    radii = np.array([0.2, 0.8])
    distorted = radii * (1 + k1 * radii**2)
    assert distorted[1] / radii[1] < distorted[0] / radii[0]
    c = card("geometry", "calib-barrel-pincushion")
    assert c["choices"][c["answer"]] == "k₁ < 0"


def test_homography_needs_four_points() -> None:
    dof, eqs_per_point = 3 * 3 - 1, 2
    assert "{{c1::8}}" in card("geometry", "homography-dof")["text"]
    assert f"{{{{c2::{math.ceil(dof / eqs_per_point)}}}}}" in card("geometry", "homography-dof")["text"]


def test_zhang_needs_three_views() -> None:
    unknowns_b_up_to_scale, constraints_per_view = 6 - 1, 2
    views = math.ceil(unknowns_b_up_to_scale / constraints_per_view)
    assert f"At least {views} views" in card("geometry", "zhang-min-views")["back"]


def test_lm_limit_is_scaled_gradient_step() -> None:
    rng = np.random.default_rng(0)
    jac, res = rng.normal(size=(6, 3)), rng.normal(size=6)
    lam = 1e8
    step = np.linalg.solve(jac.T @ jac + lam * np.eye(3), -jac.T @ res)
    assert np.allclose(step, -jac.T @ res / lam, rtol=1e-6)
    assert "δ ≈ −Jᵀr / λ" in card("geometry", "lm-limits")["back"]


# ---------------------------------------------------------------- structure of this area

@pytest.mark.parametrize("name", AREA_FILES)
def test_every_question_card_explains_why(name: str) -> None:
    for c in _deck(name)["cards"]:
        if c["type"] in ("basic", "choice"):
            assert c.get("explanation", "").strip(), f"{name}: {c['id']} has no explanation"


@pytest.mark.parametrize("name", AREA_FILES)
def test_no_raw_latex(name: str) -> None:
    raw = (DECKS / name).read_text(encoding="utf-8")
    assert not re.search(r"\\(frac|sigma|alpha|gamma|sum|sqrt|mathbf|left|right)\b|\$", raw)


def test_chinese_terms_present_for_reader_of_the_notes() -> None:
    corpus = "".join((DECKS / n).read_text(encoding="utf-8") for n in AREA_FILES)
    for term in ("感兴趣区域对齐", "样本不均衡", "非极大值抑制", "困难样本挖掘", "小目标检测", "过曝",
                 "相机标定", "内参", "外参", "畸变", "重投影误差", "卡尔曼滤波", "一欧元滤波", "可变形卷积"):
        assert term in corpus, term
