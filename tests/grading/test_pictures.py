"""Text pictures of failing box and curve cases: what they show, and that nothing breaks them."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dlquiz.grading.pictures import box_pair, boxes_kept, picture_for, roc

BOXES = np.array([[0.0, 0.0, 4.0, 4.0], [1.0, 1.0, 5.0, 5.0], [10.0, 0.0, 14.0, 3.0]])


def test_boxes_kept_draws_each_side_with_its_kept_labels() -> None:
    text = boxes_kept({"boxes": BOXES}, np.array([0, 2]), np.array([0]))
    head, *rows = text.splitlines()
    assert head.startswith("expected keeps 0 2") and "yours keeps 0" in head
    left = "\n".join(r.split(" | ")[0] for r in rows)
    right = "\n".join(r.split(" | ")[1] for r in rows)
    assert "2" in left and "2" not in right  # box 2 is kept on the left only
    assert "0" in left and "0" in right
    assert "." in right  # box 2 is still drawn (dotted) on your side


def test_box_pair_shows_the_first_differing_pair_and_its_intersection() -> None:
    args = {"boxes1": BOXES[:2], "boxes2": BOXES[1:]}
    want = np.array([[9 / 23, 0.0], [1.0, 0.0]])
    got = want.copy()
    got[0, 0] = 0.5
    text = box_pair(args, want, got)
    assert "boxes1[0]" in text and "boxes2[0]" in text and "expected 0.391304, yours 0.5" in text
    assert "#" in text and "A" in text and "B" in text


def test_roc_marks_both_curves() -> None:
    curve = (np.array([0.0, 0.5, 1.0]), np.array([0.0, 1.0, 1.0]), np.array([2.0, 1.0, 0.0]))
    other = (np.array([0.0, 1.0]), np.array([0.0, 1.0]), np.array([1.0, 0.0]))
    text = roc({}, curve, other)
    assert "o" in text and "x" in text and "*" in text  # (0, 0) and (1, 1) are on both


def test_other_exercises_and_unusable_values_give_no_picture() -> None:
    assert picture_for("layer-norm", {}, 1.0, 2.0) == ""
    assert picture_for("nms", {"boxes": "nope"}, [0], [1]) == ""
    assert picture_for("iou", {"boxes1": BOXES, "boxes2": BOXES}, np.eye(3), "x") == ""


values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=3),
    lambda inner: st.lists(inner, max_size=4) | st.tuples(inner, inner),
    max_leaves=12,
)


@settings(max_examples=60, deadline=None)
@given(exercise=st.sampled_from(["nms", "soft-nms", "iou", "roi-pool", "roi-align", "roc-curve"]),
       args=st.dictionaries(st.sampled_from(["boxes", "boxes1", "boxes2", "rois", "features",
                                             "spatial_scale"]), values, max_size=4),
       expected=values, got=values)
def test_any_values_give_a_string_never_an_exception(exercise, args, expected, got) -> None:  # type: ignore[no-untyped-def]
    assert isinstance(picture_for(exercise, args, expected, got), str)
