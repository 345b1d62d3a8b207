"""LSTM / GRU cell references against torch.nn.LSTMCell / GRUCell (float64)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from dlquiz.grading.cases.rnn import gru_cell_cases, lstm_cell_cases
from dlquiz.grading.reference.rnn import gru_cell, lstm_cell, stable_sigmoid


def _load(cell: torch.nn.Module, args: dict) -> None:  # type: ignore[type-arg]
    with torch.no_grad():
        cell.weight_ih.copy_(torch.from_numpy(args["weight_ih"]))
        cell.weight_hh.copy_(torch.from_numpy(args["weight_hh"]))
        if args["bias_ih"] is not None:
            cell.bias_ih.copy_(torch.from_numpy(args["bias_ih"]))
            cell.bias_hh.copy_(torch.from_numpy(args["bias_hh"]))


@pytest.mark.parametrize("seed", [0, 1])
def test_lstm_cell_matches_torch(seed: int) -> None:
    for case in lstm_cell_cases(np.random.default_rng(seed)):
        a = case.args
        i, h = a["x"].shape[1], a["h"].shape[1]
        cell = torch.nn.LSTMCell(i, h, bias=a["bias_ih"] is not None).double()
        _load(cell, a)
        with torch.no_grad():
            h_t, c_t = cell(torch.from_numpy(a["x"]), (torch.from_numpy(a["h"]),
                                                        torch.from_numpy(a["c"])))
        h_new, c_new = lstm_cell(**a)
        np.testing.assert_allclose(h_new, h_t.numpy(), rtol=1e-9, atol=1e-12, err_msg=case.name)
        np.testing.assert_allclose(c_new, c_t.numpy(), rtol=1e-9, atol=1e-12, err_msg=case.name)


@pytest.mark.parametrize("seed", [0, 1])
def test_gru_cell_matches_torch(seed: int) -> None:
    for case in gru_cell_cases(np.random.default_rng(seed)):
        a = case.args
        i, h = a["x"].shape[1], a["h"].shape[1]
        cell = torch.nn.GRUCell(i, h, bias=a["bias_ih"] is not None).double()
        _load(cell, a)
        with torch.no_grad():
            want = cell(torch.from_numpy(a["x"]), torch.from_numpy(a["h"])).numpy()
        np.testing.assert_allclose(gru_cell(**a), want, rtol=1e-9, atol=1e-12, err_msg=case.name)


def test_stable_sigmoid_has_no_overflow_and_matches_torch() -> None:
    z = np.array([-1e4, -700.0, -30.0, -1.0, 0.0, 1.0, 30.0, 700.0, 1e4])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        got = stable_sigmoid(z)
    np.testing.assert_allclose(got, torch.sigmoid(torch.from_numpy(z)).numpy(), rtol=1e-12,
                               atol=1e-300)


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 4), st.integers(1, 5), st.integers(1, 5), st.integers(0, 2**31 - 1))
def test_lstm_saturated_forget_gate_keeps_the_cell(n: int, d: int, h: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    x, h0, c0 = rng.normal(size=(n, d)), rng.normal(size=(n, h)), rng.normal(size=(n, h))
    b = np.zeros(4 * h)
    b[:h] = -60.0      # i ≈ 0
    b[h:2 * h] = 60.0  # f ≈ 1
    h1, c1 = lstm_cell(x, h0, c0, 0.1 * rng.normal(size=(4 * h, d)),
                       0.1 * rng.normal(size=(4 * h, h)), b, None)
    np.testing.assert_allclose(c1, c0, atol=1e-12)
    assert np.all(np.abs(h1) < 1.0)


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 4), st.integers(1, 5), st.integers(1, 5), st.integers(0, 2**31 - 1))
def test_gru_output_between_candidate_and_old_state(n: int, d: int, h: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    x, h0 = rng.normal(size=(n, d)), rng.normal(size=(n, h))
    w_ih, w_hh = rng.normal(size=(3 * h, d)), rng.normal(size=(3 * h, h))
    b_ih, b_hh = rng.normal(size=3 * h), rng.normal(size=3 * h)
    h1 = gru_cell(x, h0, w_ih, w_hh, b_ih, b_hh)
    # h' is a convex combination of n ∈ (−1, 1) and h: it lies between them.
    lo, hi = np.minimum(h0, -1.0), np.maximum(h0, 1.0)
    assert np.all(h1 >= lo - 1e-12) and np.all(h1 <= hi + 1e-12)
