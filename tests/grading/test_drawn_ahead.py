"""The next check's cases, drawn ahead (dlquiz.grading.drawn_ahead).

What must hold: a drawn run is exactly the run of its seed (the oracle is
``prepare`` with that seed, computed separately); each file serves one run;
a stale, foreign or corrupt file is never used; and a run started from one
hands the sandbox its cases before NumPy is loaded.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

from dlquiz.grading import drawn_ahead
from dlquiz.grading.case_keys import prepared_file
from dlquiz.grading.grader import grade, start_grade
from dlquiz.grading.preparation import prepare
from dlquiz.grading.registry import bundled_exercises

NMS = bundled_exercises()["nms"]


def test_a_drawn_run_is_the_run_of_its_seed(tmp_path: Path) -> None:
    assert drawn_ahead.take(tmp_path, NMS) is None
    drawn_ahead.draw_next(tmp_path, NMS)
    drawn = drawn_ahead.take(tmp_path, NMS)
    assert drawn is not None
    replay = prepare(NMS, drawn.seed)
    loaded = drawn.prepared()
    assert [c.name for c in loaded.cases] == [c.name for c in replay.cases]
    assert drawn.kinds == [c.kind for c in replay.cases]
    assert drawn.encoded == replay.encoded and drawn.n_args == replay.n_args
    assert drawn.result_index == replay.result_index
    for got, want in zip(loaded.expected, replay.expected):
        np.testing.assert_array_equal(got, want)
    assert loaded.prints == replay.prints and loaded.seed == drawn.seed
    assert set(loaded.reference_perf_s) == set(replay.reference_perf_s)


def test_each_file_serves_one_run_and_every_draw_is_fresh(tmp_path: Path) -> None:
    seeds = set()
    for _ in range(3):
        drawn_ahead.draw_next(tmp_path, NMS)
        drawn = drawn_ahead.take(tmp_path, NMS)
        assert drawn is not None
        seeds.add(drawn.seed)
        assert drawn_ahead.take(tmp_path, NMS) is None  # used up
    assert len(seeds) == 3
    assert list((tmp_path / "prepared").glob("*.next.json*")) == []


def test_a_stale_or_corrupt_file_is_dropped_unused(tmp_path: Path) -> None:
    file = prepared_file(tmp_path, NMS, "next")
    drawn_ahead.draw_next(tmp_path, NMS)
    entry = json.loads(file.read_text(encoding="utf-8"))
    entry["key"]["stamps"][0][1] = 1  # the reference's file changed since
    file.write_text(json.dumps(entry), encoding="utf-8")
    assert drawn_ahead.take(tmp_path, NMS) is None and not file.exists()
    for broken in ("{", "[]", '{"key": null}', json.dumps({"key": entry["key"]})):
        file.write_text(broken, encoding="utf-8")
        assert drawn_ahead.take(tmp_path, NMS) is None and not file.exists()
    # another exercise's file is never taken for this one
    drawn_ahead.draw_next(tmp_path, bundled_exercises()["iou"])
    assert drawn_ahead.take(tmp_path, NMS) is None


def test_grading_from_a_drawn_run_gives_the_seeds_verdict(tmp_path: Path) -> None:
    wrong = NMS.solution.replace(">", ">=")  # suppresses boxes at exactly the threshold
    assert wrong != NMS.solution
    for source in (NMS.solution, wrong):
        drawn_ahead.draw_next(tmp_path, NMS)
        drawn = drawn_ahead.take(tmp_path, NMS)
        assert drawn is not None
        via_drawn = start_grade(NMS, source, drawn=drawn).result()
        via_seed = grade(NMS, source, seed=drawn.seed)
        assert via_drawn.seed == via_seed.seed == drawn.seed
        assert via_drawn.verdict == via_seed.verdict
        assert [(c.name, c.status) for c in via_drawn.cases] == \
            [(c.name, c.status) for c in via_seed.cases]
    assert via_seed.verdict != "pass"


def test_the_sandbox_gets_a_drawn_run_before_numpy_loads(tmp_path: Path) -> None:
    drawn_ahead.draw_next(tmp_path, NMS)
    bundled_exercises(tmp_path)  # the exercise cache a warm check reads (no YAML)
    probe = (
        "import sys\n"
        "from pathlib import Path\n"
        "from dlquiz.grading import drawn_ahead\n"
        "from dlquiz.grading.grader import start_grade\n"
        "from dlquiz.grading.registry import bundled_exercises\n"
        "ex = bundled_exercises(Path(sys.argv[1]))['nms']\n"
        "assert 'numpy' not in sys.modules\n"
        "pending = start_grade(ex, ex.solution, drawn=drawn_ahead.take(Path(sys.argv[1]), ex))\n"
        "before = 'numpy' in sys.modules\n"
        "print(before, pending.result().verdict)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe, str(tmp_path)], capture_output=True,
                          text=True, check=True, env={**os.environ})
    assert done.stdout.split() == ["False", "pass"], done.stderr
