"""Cases for the attention exercises: SDPA with masks, multi-head forward, sinusoidal PE.

Arguments are listed in signature order, so the cases also work when the
grader calls the learner's function positionally.
"""

from __future__ import annotations

import numpy as np

from dlquiz.grading.case import Case


def _qkv(rng: np.random.Generator, batch: tuple[int, ...], n_q: int, n_k: int, e: int,
         ev: int) -> dict[str, np.ndarray]:
    return {"q": rng.normal(size=batch + (n_q, e)), "k": rng.normal(size=batch + (n_k, e)),
            "v": rng.normal(size=batch + (n_k, ev))}


def sdpa_cases(rng: np.random.Generator) -> list[Case]:
    """One clause of the contract per edge case, then random shapes and a perf case."""
    pad = np.ones((2, 1, 1, 6), dtype=bool)
    pad[0, ..., 4:] = False                       # sample 0 has 2 padded keys
    pad[1, ..., 1:] = False                       # sample 1 keeps only key 0
    one_dead = np.ones((4, 5), dtype=bool)
    one_dead[2] = False                           # query 2 may attend to nothing
    additive = np.zeros((3, 5))
    additive[:, 3:] = -np.inf
    additive[0, 0] = -2.0
    big = 30.0 * rng.normal(size=(1, 4, 16))
    cases = [
        Case("no mask: plain softmax(q kᵀ/√E) v", _qkv(rng, (2,), 4, 6, 8, 3), "edge"),
        Case("one query, one key: the output is v",
             _qkv(rng, (), 1, 1, 4, 3), "edge"),
        Case("scale 1/√E matters: E = 64, identical keys except one",
             {**_qkv(rng, (1,), 3, 5, 64, 2)}, "edge"),
        Case("boolean mask: True = takes part (padding mask broadcast over queries)",
             {**_qkv(rng, (2, 1), 3, 6, 4, 5), "mask": pad}, "edge"),
        Case("boolean mask with a fully masked query row: that row is zeros",
             {**_qkv(rng, (2,), 4, 5, 3, 2), "mask": one_dead}, "edge"),
        Case("every key masked: all zeros",
             {**_qkv(rng, (1,), 2, 3, 4, 2), "mask": np.zeros((2, 3), dtype=bool)}, "edge"),
        Case("float mask is added to the scores (-inf blocks, -2 only penalises)",
             {**_qkv(rng, (), 3, 5, 4, 2), "mask": additive}, "edge"),
        Case("is_causal, square: query i sees keys 0..i",
             {**_qkv(rng, (2,), 5, 5, 4, 3), "mask": None, "is_causal": True}, "edge"),
        Case("is_causal, more keys than queries: top-left aligned",
             {**_qkv(rng, (1,), 3, 6, 4, 2), "mask": None, "is_causal": True}, "edge"),
        Case("is_causal and a boolean mask together: a key must pass both",
             {**_qkv(rng, (2,), 4, 4, 3, 2), "mask": pad[:, 0, :, :4], "is_causal": True}, "edge"),
        Case("explicit scale overrides 1/√E",
             {**_qkv(rng, (1,), 3, 4, 4, 2), "mask": None, "is_causal": False, "scale": 0.1},
             "edge"),
        Case("large scores (±100s): softmax must subtract the row max",
             {"q": big, "k": 30.0 * rng.normal(size=(1, 6, 16)), "v": rng.normal(size=(1, 6, 3))},
             "edge"),
        Case("Ev differs from E", _qkv(rng, (3,), 2, 7, 5, 9), "edge"),
    ]
    cases[2].args["k"][0, 1:] = cases[2].args["k"][0, 0]
    for i, (batch, lq, lk, e) in enumerate([((2,), 7, 7, 8), ((2, 3), 10, 12, 16),
                                            ((4, 2), 33, 17, 32)]):
        args = _qkv(rng, batch, lq, lk, e, e)
        args["mask"] = rng.random((lq, lk)) > 0.3
        cases.append(Case(f"random batch={batch} L={lq} S={lk} E={e} #{i}", args))
    cases.append(Case("perf: batch (4, 4), L = S = 256, E = 64",
                      {**_qkv(rng, (4, 4), 256, 256, 64, 64), "mask": None, "is_causal": True},
                      "perf"))
    # Added later: drawn last so the cases above keep their inputs; placed after
    # "explicit scale overrides 1/√E".
    int_mask = np.array([[0, 1, 2, 0, -1], [1, 0, 0, -3, 2], [0, 0, 1, 1, 0]], dtype=np.int64)
    dead_row = np.zeros((3, 5))
    dead_row[:, 4] = -np.inf
    dead_row[1] = -np.inf                         # query 1: every key is -inf
    dead_row[2, 0] = -1.5
    later = [
        Case("scale = 0.0 is a number too: every key gets the same weight",
             {**_qkv(rng, (2,), 3, 4, 5, 2), "mask": None, "is_causal": False, "scale": 0.0},
             "edge"),
        Case("integer (non-bool) mask is added to the scores, not read as True/False",
             {**_qkv(rng, (), 3, 5, 4, 2), "mask": int_mask}, "edge"),
        Case("float mask with a row of all -inf: that query returns zeros, not NaN",
             {**_qkv(rng, (), 3, 5, 4, 2), "mask": dead_row}, "edge"),
    ]
    at = next(i for i, c in enumerate(cases) if c.name == "explicit scale overrides 1/√E") + 1
    cases[at:at] = later
    return cases


def _mha(rng: np.random.Generator, n: int, lq: int, lk: int, e: int, heads: int,
         self_attn: bool = False, bias: bool = True) -> dict[str, object]:
    scale = 1.0 / np.sqrt(e)
    query = rng.normal(size=(n, lq, e))
    key = query if self_attn else rng.normal(size=(n, lk, e))
    value = query if self_attn else rng.normal(size=(n, lk, e))
    return {
        "query": query, "key": key, "value": value, "num_heads": heads,
        "in_proj_weight": scale * rng.normal(size=(3 * e, e)),
        "in_proj_bias": rng.normal(size=3 * e) if bias else None,
        "out_proj_weight": scale * rng.normal(size=(e, e)),
        "out_proj_bias": rng.normal(size=e) if bias else None,
    }


def mha_cases(rng: np.random.Generator) -> list[Case]:
    """Heads 1 and E, packed weights, both masks and their conventions, then random."""
    kpm = np.zeros((2, 5), dtype=bool)
    kpm[0, 3:] = True                             # True = padding (torch MHA convention)
    kpm[1, 1:] = True
    dead = np.zeros((2, 4), dtype=bool)
    dead[1, :] = True                             # sample 1: every key is padding
    distinct = _mha(rng, 2, 3, 3, 8, 2)
    distinct["in_proj_weight"][8:16] *= 3.0       # W_k clearly differs from W_q and W_v
    cases = [
        Case("one head: plain attention after the projections", _mha(rng, 2, 3, 4, 6, 1), "edge"),
        Case("self-attention, 2 heads", _mha(rng, 2, 5, 5, 8, 2, self_attn=True), "edge"),
        Case("W_q, W_k, W_v are the three row blocks of in_proj_weight", distinct, "edge"),
        Case("heads = E: every head has one feature (scale 1/√1)",
             _mha(rng, 1, 3, 4, 4, 4), "edge"),
        Case("no biases (None)", _mha(rng, 2, 3, 4, 6, 3, bias=False), "edge"),
        Case("L ≠ S (cross-attention), 4 heads", _mha(rng, 2, 2, 7, 8, 4), "edge"),
        Case("key_padding_mask: True = padding, ignored",
             {**_mha(rng, 2, 3, 5, 8, 2), "key_padding_mask": kpm}, "edge"),
        Case("causal self-attention",
             {**_mha(rng, 2, 5, 5, 6, 3, self_attn=True), "key_padding_mask": None,
              "causal": True}, "edge"),
        Case("causal + padding together",
             {**_mha(rng, 2, 5, 5, 8, 2, self_attn=True),
              "key_padding_mask": np.array([[False] * 4 + [True], [False] * 2 + [True] * 3]),
              "causal": True}, "edge"),
        Case("a sample whose keys are all padding: its rows equal out_proj_bias",
             {**_mha(rng, 2, 3, 4, 4, 2), "key_padding_mask": dead}, "edge"),
    ]
    for i, (n, lq, lk, e, h) in enumerate([(2, 6, 6, 8, 2), (3, 9, 11, 12, 3),
                                            (4, 16, 16, 32, 8)]):
        args = _mha(rng, n, lq, lk, e, h)
        mask = rng.random((n, lk)) < 0.25
        mask[:, 0] = False
        args["key_padding_mask"] = mask
        cases.append(Case(f"random N={n} L={lq} S={lk} E={e} heads={h} #{i}", args))
    cases.append(Case("perf: N = 8, L = S = 128, E = 128, 8 heads",
                      _mha(rng, 8, 128, 128, 128, 8, self_attn=True), "perf"))
    return cases


def sinusoidal_pe_cases(rng: np.random.Generator) -> list[Case]:
    """Tiny tables whose values are easy to check, odd width, other bases, long tables."""
    cases = [
        Case("one position (p = 0): sin 0 = 0 on even columns, cos 0 = 1 on odd",
             {"num_positions": 1, "d_model": 6}, "edge"),
        Case("d_model = 2: one frequency (1), columns sin p and cos p",
             {"num_positions": 5, "d_model": 2}, "edge"),
        Case("interleaved, not concatenated: d_model = 8",
             {"num_positions": 4, "d_model": 8}, "edge"),
        Case("odd d_model: the last column is a sine",
             {"num_positions": 6, "d_model": 7}, "edge"),
        Case("base 100 instead of 10000",
             {"num_positions": 10, "d_model": 16, "base": 100.0}, "edge"),
        Case("zero positions: shape (0, d_model)", {"num_positions": 0, "d_model": 4}, "edge"),
        Case("long table: positions up to 4095, d_model = 64",
             {"num_positions": 4096, "d_model": 64}, "edge"),
    ]
    for i in range(4):
        d = int(rng.choice([16, 32, 128, 512]))
        cases.append(Case(f"random L, d_model={d} #{i}",
                          {"num_positions": int(rng.integers(2, 300)), "d_model": d,
                           "base": float(rng.choice([10000.0, 500.0]))}))
    return cases
