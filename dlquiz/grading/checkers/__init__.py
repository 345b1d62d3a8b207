"""How a learner's result is compared with the reference's.

One module per family: :mod:`.base` (``CheckResult``, rendering, dispatch),
:mod:`.arrays` (allclose, exact, pairs, set_equal, sorted, tuple) and
:mod:`.boxes` (nms, soft_nms). This package keeps the public names of the
former ``checkers.py`` (user decks import ``CheckResult`` from here).

Checkers never raise on a learner's value: whatever came back (ragged
sequences, deep nesting, complex numbers, unsupported objects) becomes a
failing :class:`CheckResult` with a message, see :func:`check`.
"""

from __future__ import annotations

from dlquiz.grading.checkers import arrays, boxes
from dlquiz.grading.checkers.arrays import (
    check_allclose,
    check_exact,
    check_pairs,
    check_set_equal,
    check_sorted,
    check_tuple,
)
from dlquiz.grading.checkers.base import (
    BUILTIN_CHECKERS,
    DEFAULT_ATOL,
    DEFAULT_RTOL,
    Checker,
    CheckResult,
    as_array,
    check,
    describe,
    summarize,
)
from dlquiz.grading.checkers.boxes import TIE_RTOL, check_nms, check_soft_nms, pairwise_iou

BUILTIN_CHECKERS.update(arrays.CHECKERS)
BUILTIN_CHECKERS.update(boxes.CHECKERS)

__all__ = [
    "BUILTIN_CHECKERS", "DEFAULT_ATOL", "DEFAULT_RTOL", "TIE_RTOL", "CheckResult", "Checker",
    "as_array", "check", "check_allclose", "check_exact", "check_nms", "check_pairs",
    "check_set_equal", "check_soft_nms", "check_sorted", "check_tuple", "describe",
    "pairwise_iou", "summarize",
]
