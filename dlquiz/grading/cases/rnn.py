"""Cases for ``lstm_cell`` and ``gru_cell`` (arguments in signature order)."""

from __future__ import annotations

import numpy as np

from dlquiz.grading.case import Case


def _lstm(rng: np.random.Generator, n: int, i: int, h: int, bias: bool = True,
          scale: float = 1.0) -> dict[str, object]:
    return {
        "x": rng.normal(size=(n, i)), "h": rng.normal(size=(n, h)), "c": rng.normal(size=(n, h)),
        "weight_ih": scale * rng.normal(size=(4 * h, i)),
        "weight_hh": scale * rng.normal(size=(4 * h, h)),
        "bias_ih": rng.normal(size=4 * h) if bias else None,
        "bias_hh": rng.normal(size=4 * h) if bias else None,
    }


def _gate_block(h: int, gate: int, n_gates: int, width: int, value: float) -> np.ndarray:
    """A weight matrix that is zero except for one gate's block of rows."""
    w = np.zeros((n_gates * h, width))
    w[gate * h:(gate + 1) * h] = value
    return w


def lstm_cell_cases(rng: np.random.Generator) -> list[Case]:
    """Each gate driven on its own (gate order i, f, g, o), saturation, zero state, random."""
    cases = [Case("zero weights: the gates come from the biases alone",
                  {**_lstm(rng, 2, 3, 4), "weight_ih": np.zeros((16, 3)),
                   "weight_hh": np.zeros((16, 4))}, "edge")]
    for gate, name in enumerate("ifgo"):
        args = _lstm(rng, 3, 2, 3, bias=False)
        args["weight_ih"] = _gate_block(3, gate, 4, 2, 1.5) + 0.1 * rng.normal(size=(12, 2))
        args["weight_hh"] = 0.1 * rng.normal(size=(12, 3))
        cases.append(Case(f"gate order i, f, g, o: rows {gate * 3}..{gate * 3 + 2} drive '{name}'",
                          args, "edge"))
    bias_only = _lstm(rng, 2, 3, 2)
    bias_only["bias_ih"] = np.zeros(8)
    cases += [
        Case("bias_hh alone is added too (bias_ih = 0)", bias_only, "edge"),
        Case("no biases (None)", _lstm(rng, 2, 3, 4, bias=False), "edge"),
        Case("huge pre-activations (±1e3): gates saturate, no overflow",
             _lstm(rng, 2, 4, 3, scale=500.0), "edge"),
        Case("batch of one, hidden size 1", _lstm(rng, 1, 1, 1), "edge"),
        Case("input size ≠ hidden size", _lstm(rng, 4, 7, 2), "edge"),
    ]
    for i, (n, d, h) in enumerate([(3, 5, 4), (8, 16, 32), (32, 64, 128)]):
        cases.append(Case(f"random N={n} I={d} H={h} #{i}", _lstm(rng, n, d, h, scale=0.5)))
    cases.append(Case("perf: N = 256, I = 512, H = 512", _lstm(rng, 256, 512, 512, scale=0.05),
                      "perf"))
    return cases


def _gru(rng: np.random.Generator, n: int, i: int, h: int, bias: bool = True,
         scale: float = 1.0) -> dict[str, object]:
    return {
        "x": rng.normal(size=(n, i)), "h": rng.normal(size=(n, h)),
        "weight_ih": scale * rng.normal(size=(3 * h, i)),
        "weight_hh": scale * rng.normal(size=(3 * h, h)),
        "bias_ih": rng.normal(size=3 * h) if bias else None,
        "bias_hh": rng.normal(size=3 * h) if bias else None,
    }


def gru_cell_cases(rng: np.random.Generator) -> list[Case]:
    """Gate order r, z, n; b_hn inside the reset product; z keeps the old state; random."""
    cases = []
    for gate, name in enumerate("rzn"):
        args = _gru(rng, 3, 2, 3, bias=False)
        args["weight_ih"] = _gate_block(3, gate, 3, 2, 1.5) + 0.1 * rng.normal(size=(9, 2))
        args["weight_hh"] = _gate_block(3, gate, 3, 3, -1.0) + 0.1 * rng.normal(size=(9, 3))
        cases.append(Case(f"gate order r, z, n: rows {gate * 3}..{gate * 3 + 2} drive '{name}'",
                          args, "edge"))
    hn_bias = _gru(rng, 2, 3, 2)
    hn_bias["bias_hh"] = np.zeros(6)
    hn_bias["bias_hh"][4:] = 3.0                  # b_hn only: it must sit inside r ⊙ (…)
    hn_bias["bias_ih"] = np.zeros(6)
    keep = _gru(rng, 2, 3, 4)
    keep["bias_ih"] = np.zeros(12)
    keep["bias_ih"][4:8] = 50.0                   # z ≈ 1: h' ≈ h (the old state is kept)
    cases += [
        Case("b_hn sits inside the reset product r ⊙ (W_hn h + b_hn)", hn_bias, "edge"),
        Case("update gate z ≈ 1 keeps the old state: h' = (1 − z)·n + z·h", keep, "edge"),
        Case("no biases (None)", _gru(rng, 2, 3, 4, bias=False), "edge"),
        Case("zero hidden state", {**_gru(rng, 2, 3, 4), "h": np.zeros((2, 4))}, "edge"),
        Case("huge pre-activations (±1e3): no overflow", _gru(rng, 2, 4, 3, scale=500.0), "edge"),
        Case("batch of one, hidden size 1", _gru(rng, 1, 1, 1), "edge"),
    ]
    for i, (n, d, h) in enumerate([(3, 5, 4), (8, 16, 32), (32, 64, 128)]):
        cases.append(Case(f"random N={n} I={d} H={h} #{i}", _gru(rng, n, d, h, scale=0.5)))
    cases.append(Case("perf: N = 256, I = 512, H = 512", _gru(rng, 256, 512, 512, scale=0.05),
                      "perf"))
    return cases
