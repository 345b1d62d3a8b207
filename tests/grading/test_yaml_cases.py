"""YAML-described case generators: deterministic, shaped as described, edge cases first."""

from __future__ import annotations

import numpy as np

from dlquiz.grading.yaml_cases import generator_from_spec, validate_spec

SPEC = {
    "dims": {"n": [2, 6]},
    "args": {
        "x": {"shape": ["n", 4], "dtype": "float32", "low": 0, "high": 10},
        "k": {"int": [1, 3]},
        "idx": {"shape": ["k"], "dtype": "int64", "low": -2, "high": 2},
        "mode": {"choice": ["mean", "sum"]},
        "eps": {"value": 0.5},
        "xs": {"list": "int", "length": "n", "low": -9, "high": 9},
    },
    "random": 7,
    "edge": [{"name": "empty", "dims": {"n": 0}, "args": {"k": 0}},
             {"name": "literal", "args": {"x": {"array": [[1, 2, 3, 4]], "dtype": "float64"}}}],
    "perf": {"n": 1000},
}


def test_spec_generates_described_cases() -> None:
    assert validate_spec(SPEC) == []
    cases = generator_from_spec(SPEC)(np.random.default_rng(3))
    assert [c.kind for c in cases] == ["edge", "edge"] + ["random"] * 7 + ["perf"]
    assert cases[0].name == "empty" and cases[0].args["x"].shape == (0, 4)
    assert cases[0].args["k"] == 0 and cases[0].args["idx"].shape == (0,)
    assert cases[1].args["x"].tolist() == [[1.0, 2.0, 3.0, 4.0]]
    for case in cases[2:9]:
        n = case.args["x"].shape[0]
        assert 2 <= n <= 6 and case.args["x"].dtype == np.float32
        assert ((case.args["x"] >= 0) & (case.args["x"] < 10)).all()
        assert case.args["idx"].shape == (case.args["k"],)
        assert ((case.args["idx"] >= -2) & (case.args["idx"] <= 2)).all()
        assert case.args["mode"] in ("mean", "sum") and case.args["eps"] == 0.5
        assert len(case.args["xs"]) == n and all(isinstance(v, int) for v in case.args["xs"])
        assert f"n={n}" in case.name
    assert cases[-1].args["x"].shape == (1000, 4)


def test_same_seed_same_cases() -> None:
    a = generator_from_spec(SPEC)(np.random.default_rng(11))
    b = generator_from_spec(SPEC)(np.random.default_rng(11))
    c = generator_from_spec(SPEC)(np.random.default_rng(12))
    assert all(np.array_equal(x.args["x"], y.args["x"]) for x, y in zip(a, b))
    assert not all(np.array_equal(x.args["x"], y.args["x"]) for x, y in zip(a[2:], c[2:]))


def test_validate_spec_reports_paths() -> None:
    problems = dict(validate_spec({"args": {"x": {"shape": ["m"], "dtype": "float8"},
                                            "y": {"int": [3, 1]}},
                                   "random": -1, "edge": [{"name": "e", "args": {"z": 1}}],
                                   "extra": 1}))
    assert ("args", "x", "shape", 0) in problems
    assert ("args", "x", "dtype") in problems
    assert ("args", "y", "int") in problems
    assert ("random",) in problems and ("extra",) in problems
    assert ("edge", 0, "args", "z") in problems
