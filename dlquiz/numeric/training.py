"""Numeric cards for training-time layers, geometry and tracking filters.

Each answer is computed by the reference implementation the matching exercise
is graded against (dropout, GELU, BN folding, Kalman update, 1€ smoothing
factor); camera projection is the pinhole model x ~ K(RX + t).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from dlquiz.numeric.problem import NumericProblem, SimpleGenerator


def _draw_dropout(rng: np.random.Generator, params: Mapping[str, Any]) -> dict[str, Any]:
    return {"p": float(rng.choice([0.1, 0.2, 0.25, 0.3, 0.5, 0.6, 0.75, 0.8])),
            "x": round(float(rng.uniform(0.5, 6.0)), 1)}


def _solve_dropout(drawn: Mapping[str, Any], params: Mapping[str, Any]) -> NumericProblem:
    from dlquiz.grading.reference.dropout import dropout

    p, x = drawn["p"], drawn["x"]
    # A seed whose mask keeps the single element, found deterministically.
    seed = next(s for s in range(1000)
                if float(dropout(np.array([x]), p=p, training=True, rng_seed=s)[0]) != 0.0)
    value = float(dropout(np.array([x]), p=p, training=True, rng_seed=seed)[0])
    question = (f"Inverted dropout with drop probability p = {p} during training: an activation "
                f"x = {x} is kept. What value does the layer output for it? (3 decimals)")
    explanation = (f"Survivors are scaled by 1/(1 − p) = 1/{1 - p:g} so the expected output "
                   f"stays x: {x} / {1 - p:g} = **{value:.3f}**. At eval time dropout is the "
                   "identity, so no rescaling is needed at inference.")
    return NumericProblem(question, (value,), explanation, dict(drawn), rel_tol=0, abs_tol=0.0015)


def _draw_gelu(rng: np.random.Generator, params: Mapping[str, Any]) -> dict[str, Any]:
    return {"x": round(float(rng.uniform(-3.0, 3.0)), 2)}


def _solve_gelu(drawn: Mapping[str, Any], params: Mapping[str, Any]) -> NumericProblem:
    from dlquiz.grading.reference.activations import gelu, gelu_tanh

    x = drawn["x"]
    tanh = params.get("approx") == "tanh"
    value = float((gelu_tanh if tanh else gelu)(np.array([x]))[0])
    if tanh:
        inner = math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)
        question = (f"GELU with the tanh approximation at x = {x}: "
                    "0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))? (4 decimals)")
        explanation = (f"√(2/π)·(x + 0.044715x³) = {inner:.4f}; tanh = {math.tanh(inner):.4f}; "
                       f"0.5·{x}·(1 + {math.tanh(inner):.4f}) = **{value:.4f}**.")
    else:
        phi = 0.5 * (1 + math.erf(x / math.sqrt(2)))
        question = f"Exact GELU(x) = x·Φ(x) at x = {x}? (Φ is the standard normal CDF; 4 decimals)"
        explanation = (f"Φ({x}) = ½(1 + erf({x}/√2)) = {phi:.4f}; GELU = {x} × {phi:.4f} = "
                       f"**{value:.4f}**. GELU weights the input by how likely it is to be "
                       "larger than other inputs, a smooth ReLU that is slightly negative near −0.75.")
    return NumericProblem(question, (value,), explanation, dict(drawn), rel_tol=0, abs_tol=2e-4)


def _draw_bn(rng: np.random.Generator, params: Mapping[str, Any]) -> dict[str, Any]:
    return {"w": round(float(rng.uniform(-2, 2)), 1), "b": round(float(rng.uniform(-1, 1)), 1),
            "gamma": round(float(rng.uniform(0.5, 2)), 1), "beta": round(float(rng.uniform(-1, 1)), 1),
            "mean": round(float(rng.uniform(-1, 1)), 1), "var": float(rng.choice([0.25, 1.0, 4.0]))}


def _solve_bn(drawn: Mapping[str, Any], params: Mapping[str, Any]) -> NumericProblem:
    from dlquiz.grading.reference.reparam import fold_bn

    d = dict(drawn)
    eps = 0.0
    w, b = fold_bn(np.full((1, 1, 1, 1), d["w"]), np.array([d["b"]]), np.array([d["gamma"]]),
                   np.array([d["beta"]]), np.array([d["mean"]]), np.array([d["var"]]), eps=eps)
    wf, bf = float(w.ravel()[0]), float(b[0])
    std = math.sqrt(d["var"])
    question = (f"Fold BatchNorm into the preceding 1×1 conv (one channel, ε = 0): conv weight "
                f"w = {d['w']}, bias b = {d['b']}; BN γ = {d['gamma']}, β = {d['beta']}, running "
                f"mean μ = {d['mean']}, running var σ² = {d['var']}. Give the folded w′ and b′.")
    explanation = (f"BN(y) = γ(y − μ)/σ + β with σ = √{d['var']} = {std:g}.\n\n"
                   f"w′ = γ·w/σ = {d['gamma']}·({d['w']})/{std:g} = **{wf:.4f}**\n\n"
                   f"b′ = γ·(b − μ)/σ + β = {d['gamma']}·({d['b']} − ({d['mean']}))/{std:g} + "
                   f"{d['beta']} = **{bf:.4f}**\n\nFolding is exact only in eval mode, when μ "
                   "and σ² are frozen running statistics.")
    return NumericProblem(question, (wf, bf), explanation, d, rel_tol=0, abs_tol=2e-3)


def _draw_camera(rng: np.random.Generator, params: Mapping[str, Any]) -> dict[str, Any]:
    return {"f": int(rng.choice([400, 500, 800, 1000])), "cx": int(rng.choice([320, 640])),
            "cy": int(rng.choice([240, 360])), "rot_z_deg": int(rng.choice([0, 90, 180])),
            "t": [int(v) for v in rng.integers(-2, 3, size=2)] + [int(rng.integers(2, 6))],
            "X": [int(v) for v in rng.integers(-3, 4, size=2)] + [int(rng.integers(2, 8))]}


def _solve_camera(drawn: Mapping[str, Any], params: Mapping[str, Any]) -> NumericProblem:
    f, cx, cy, deg = drawn["f"], drawn["cx"], drawn["cy"], drawn["rot_z_deg"]
    t = np.array(drawn["t"], float)
    world = np.array(drawn["X"], float)
    c, s = round(math.cos(math.radians(deg))), round(math.sin(math.radians(deg)))
    rot = np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]], float)
    k = np.array([[f, 0, cx], [0, f, cy], [0, 0, 1]], float)
    cam = rot @ world + t
    pix = k @ cam
    u, v = pix[0] / pix[2], pix[1] / pix[2]
    question = (f"Pinhole camera: K = [[{f}, 0, {cx}], [0, {f}, {cy}], [0, 0, 1]], R = rotation "
                f"of {deg}° about the z axis, t = {tuple(int(x) for x in t)}. Where does the "
                f"world point X = {tuple(int(x) for x in world)} project? Give pixel (u, v).")
    explanation = (f"Camera coordinates X_c = R·X + t = {tuple(round(float(x), 3) for x in cam)} "
                   "(extrinsics: world → camera).\n\n"
                   f"Intrinsics: u = f·X_c/Z_c + c_x = {f}·{cam[0]:g}/{cam[2]:g} + {cx} = "
                   f"**{u:.2f}**, v = f·Y_c/Z_c + c_y = {f}·{cam[1]:g}/{cam[2]:g} + {cy} = "
                   f"**{v:.2f}**.\n\nThe division by Z_c is the perspective step (外参 then 内参).")
    return NumericProblem(question, (float(u), float(v)), explanation, dict(drawn), rel_tol=0,
                          abs_tol=0.5, unit="px")


def _draw_kalman(rng: np.random.Generator, params: Mapping[str, Any]) -> dict[str, Any]:
    return {"p": float(rng.choice([0.5, 1.0, 2.0, 4.0])), "q": float(rng.choice([0.0, 0.5, 1.0])),
            "r": float(rng.choice([0.5, 1.0, 2.0, 4.0, 9.0]))}


def _solve_kalman(drawn: Mapping[str, Any], params: Mapping[str, Any]) -> NumericProblem:
    from dlquiz.grading.reference.tracking import kalman_predict, kalman_update

    p, q, r = drawn["p"], drawn["q"], drawn["r"]
    one = np.eye(1)
    _, p_prior = kalman_predict(np.zeros(1), p * one, one, q * one)
    gain = float(p_prior[0, 0] / (p_prior[0, 0] + r))
    _, p_post = kalman_update(np.zeros(1), p_prior, np.zeros(1), one, r * one)
    question = (f"1-D constant-position Kalman filter: posterior variance P = {p:g}, process noise "
                f"Q = {q:g}, measurement noise R = {r:g}. After the predict step, what is the "
                "Kalman gain K for the next measurement? (3 decimals)")
    explanation = (f"Predict: P⁻ = P + Q = {p:g} + {q:g} = {p_prior[0, 0]:g}.\n\n"
                   f"Gain: K = P⁻ / (P⁻ + R) = {p_prior[0, 0]:g} / {p_prior[0, 0] + r:g} = "
                   f"**{gain:.3f}**; the updated variance is (1 − K)·P⁻ = {p_post[0, 0]:.3f}.\n\n"
                   "K → 1 when the measurement is precise (trust it), K → 0 when R dominates "
                   "(trust the prediction).")
    return NumericProblem(question, (gain,), explanation, dict(drawn), rel_tol=0, abs_tol=0.0015)


def _draw_one_euro(rng: np.random.Generator, params: Mapping[str, Any]) -> dict[str, Any]:
    return {"cutoff": float(rng.choice([0.5, 1.0, 1.5, 2.0, 5.0])),
            "rate": int(rng.choice([30, 60, 120]))}


def _solve_one_euro(drawn: Mapping[str, Any], params: Mapping[str, Any]) -> NumericProblem:
    from dlquiz.grading.reference.tracking import smoothing_factor

    fc, rate = drawn["cutoff"], drawn["rate"]
    alpha = float(smoothing_factor(fc, 1.0 / rate))
    tau = 1 / (2 * math.pi * fc)
    question = (f"1€ filter: the current cutoff frequency is {fc:g} Hz and samples arrive at "
                f"{rate} Hz. What smoothing factor α does the low-pass step use? (4 decimals)")
    explanation = (f"τ = 1/(2π·f_c) = {tau:.4f} s, T_e = 1/{rate} = {1 / rate:.4f} s.\n\n"
                   f"α = 1 / (1 + τ/T_e) = 1 / (1 + {tau * rate:.4f}) = **{alpha:.4f}**.\n\n"
                   "A higher cutoff (fast motion, via β·|dx|) raises α: less smoothing, less lag.")
    return NumericProblem(question, (alpha,), explanation, dict(drawn), rel_tol=0, abs_tol=2e-4)


GENERATORS: tuple[SimpleGenerator, ...] = (
    SimpleGenerator("dropout_scale", "Inverted dropout scale", _draw_dropout, _solve_dropout),
    SimpleGenerator(
        "gelu_value", "GELU at a point", _draw_gelu, _solve_gelu,
        {"type": "object", "additionalProperties": False,
         "properties": {"approx": {"enum": ["none", "tanh"]}}}),
    SimpleGenerator("bn_fold", "Fold BatchNorm into a conv", _draw_bn, _solve_bn),
    SimpleGenerator("camera_projection", "Project a 3-D point to pixels", _draw_camera,
                             _solve_camera),
    SimpleGenerator("kalman_gain", "Kalman gain from variances", _draw_kalman, _solve_kalman),
    SimpleGenerator("one_euro_alpha", "1€ filter smoothing factor", _draw_one_euro,
                             _solve_one_euro),
)
