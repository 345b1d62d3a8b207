"""Cases for the Kalman predict/update steps and the 1€ filter."""

from __future__ import annotations

import numpy as np

from dlquiz.grading.case import Case


def _spd(rng: np.random.Generator, n: int, scale: float = 1.0) -> np.ndarray:
    """A random symmetric positive-definite matrix (well conditioned)."""
    a = rng.normal(size=(n, n))
    return scale * (a @ a.T / n + 0.5 * np.eye(n))


def _constant_velocity(dt: float) -> np.ndarray:
    """2-D constant-velocity model, state (px, py, vx, vy)."""
    F = np.eye(4)
    F[0, 2] = F[1, 3] = dt
    return F


def kalman_predict_cases(rng: np.random.Generator) -> list[Case]:
    """1-D random walk, zero process noise, constant velocity, then random models."""
    # Mean first (P = Q = 0), then the covariance without noise, then + Q.
    cases = [
        Case("x_pred = F x (F not symmetric; P = Q = 0)",
             {"x": np.array([1.0, -2.0, 0.5]), "P": np.zeros((3, 3)),
              "F": np.array([[1.0, 0.5, 0.0], [0.0, 1.0, 2.0], [0.3, 0.0, 1.0]]),
              "Q": np.zeros((3, 3))}, "edge"),
        Case("zero process noise: P only transported",
             {"x": rng.normal(size=4), "P": _spd(rng, 4), "F": _constant_velocity(0.1),
              "Q": np.zeros((4, 4))}, "edge"),
        Case("1-D random walk: P grows by Q", {"x": np.array([2.0]), "P": np.array([[1.5]]),
                                               "F": np.eye(1), "Q": np.array([[0.25]])}, "edge"),
        Case("constant velocity 4-D state",
             {"x": np.array([0.0, 1.0, 2.0, -1.0]), "P": np.diag([1.0, 1.0, 4.0, 4.0]),
              "F": _constant_velocity(0.5), "Q": 0.01 * np.eye(4)}, "edge"),
        Case("F not symmetric, correlated P",
             {"x": np.array([1.0, -2.0]), "P": np.array([[2.0, 0.8], [0.8, 1.0]]),
              "F": np.array([[1.0, 1.0], [0.0, 0.9]]), "Q": np.diag([0.1, 0.2])}, "edge"),
        Case("zero covariance", {"x": np.array([3.0, 1.0]), "P": np.zeros((2, 2)),
                                 "F": np.array([[1.0, 2.0], [0.0, 1.0]]), "Q": np.eye(2)}, "edge"),
    ]
    for i, n in enumerate([2, 3, 6, 8]):
        cases.append(Case(f"random n={n} #{i}", {
            "x": rng.normal(size=n), "P": _spd(rng, n), "F": rng.normal(size=(n, n)) / np.sqrt(n)
            + np.eye(n), "Q": _spd(rng, n, 0.1)}))
    return cases


def kalman_update_cases(rng: np.random.Generator) -> list[Case]:
    """Scalar update, huge and tiny R, partial observation of a 4-D state, then random."""
    H_pos = np.array([[1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0]])
    # Clause order: with z = H x only the covariance (and S = H P Hᵀ + R) shows; then
    # the innovation's sign (1-D); then S as a matrix (m = 2) before the rest.
    cases = [
        Case("measurement equals prediction: only P changes (S = H P Hᵀ + R)",
             {"x": np.array([1.0, 2.0]), "P": np.array([[1.0, 0.3], [0.3, 2.0]]),
              "z": np.array([1.0]), "H": np.array([[1.0, 0.0]]), "R": np.array([[0.5]])}, "edge"),
        Case("1-D: K = P / (P + R), innovation z − H x",
             {"x": np.array([0.0]), "P": np.array([[4.0]]), "z": np.array([1.0]), "H": np.eye(1),
              "R": np.array([[1.0]])}, "edge"),
        Case("two measurements: K = P Hᵀ S⁻¹ with S a matrix",
             {"x": np.array([0.5, -0.5]), "P": np.array([[1.0, 0.2], [0.2, 0.5]]),
              "z": np.array([1.0, 1.0]), "H": np.array([[1.0, 1.0], [0.0, 2.0]]),
              "R": np.array([[0.4, 0.1], [0.1, 0.3]])}, "edge"),
        Case("R huge: measurement almost ignored",
             {"x": np.array([1.0, 2.0]), "P": np.eye(2), "z": np.array([50.0]),
              "H": np.array([[1.0, 0.0]]), "R": np.array([[1e8]])}, "edge"),
        Case("R tiny: posterior follows the measurement",
             {"x": np.array([0.0, 0.0, 1.0, 1.0]), "P": np.diag([2.0, 2.0, 5.0, 5.0]),
              "z": np.array([3.0, -1.0]), "H": H_pos, "R": 1e-8 * np.eye(2)}, "edge"),
        Case("observe position only (m=2, n=4), correlated P",
             {"x": rng.normal(size=4), "P": _spd(rng, 4), "z": rng.normal(size=2),
              "H": H_pos, "R": 0.5 * np.eye(2)}, "edge"),
    ]
    for i, (n, m) in enumerate([(2, 1), (3, 2), (6, 3), (8, 8)]):
        cases.append(Case(f"random n={n} m={m} #{i}", {
            "x": rng.normal(size=n), "P": _spd(rng, n), "z": rng.normal(size=m),
            "H": rng.normal(size=(m, n)), "R": _spd(rng, m, 0.3)}))
    return cases


def one_euro_cases(rng: np.random.Generator) -> list[Case]:
    """Constant signal, single sample, step, beta 0, irregular timestamps, 2-D, then noisy."""
    t60 = np.arange(30) / 60.0
    step = np.where(t60 < 0.25, 0.0, 1.0)
    cases = [
        Case("constant signal stays constant", {"t": t60, "x": np.full(30, 2.5)}, "edge"),
        Case("single sample passes through", {"t": np.array([0.0]), "x": np.array([3.0])}, "edge"),
        # Clause order: speed raises the cutoff (two samples: the derivative's source
        # cannot show yet), then the derivative's source, d_cutoff, irregular dt, 2-D.
        Case("two samples, beta 0.5: the cutoff rises with speed",
             {"t": np.array([0.0, 0.1]), "x": np.array([0.0, 1.0]), "beta": 0.5}, "edge"),
        Case("derivative from the previous *filtered* value (beta 1)",
             {"t": np.array([0.0, 0.1, 0.2]), "x": np.array([0.0, 1.0, 1.0]), "beta": 1.0},
             "edge"),
        Case("d_cutoff smooths the derivative (d_cutoff ≠ min_cutoff)",
             {"t": t60[:12], "x": np.where(np.arange(12) < 6, 0.0, 2.0), "min_cutoff": 1.0, "beta": 0.5,
              "d_cutoff": 4.0}, "edge"),
        Case("step, beta 0 (plain low-pass)", {"t": t60, "x": step, "min_cutoff": 1.0,
                                               "beta": 0.0}, "edge"),
        Case("step, beta 0.7 (faster response)", {"t": t60, "x": step, "min_cutoff": 1.0,
                                                  "beta": 0.7, "d_cutoff": 1.0}, "edge"),
        Case("irregular timestamps",
             {"t": np.cumsum(rng.uniform(0.005, 0.05, size=25)),
              "x": np.sin(np.linspace(0.0, 3.0, 25)), "min_cutoff": 0.5, "beta": 0.1,
              "d_cutoff": 2.0}, "edge"),
        Case("2-D keypoint (n, 2): columns filtered independently",
             {"t": t60[:20], "x": np.stack([np.linspace(0, 5, 20), np.full(20, -1.0)], axis=1)
              + 0.05 * rng.normal(size=(20, 2)), "min_cutoff": 1.5, "beta": 0.3}, "edge"),
    ]
    for i, (n, d) in enumerate([(50, 0), (120, 2), (200, 3)]):
        t = np.cumsum(rng.uniform(1 / 120, 1 / 30, size=n))
        shape = (n,) if d == 0 else (n, d)
        base = np.cumsum(rng.normal(scale=0.2, size=shape), axis=0)
        cases.append(Case(f"random noisy walk n={n}{'' if d == 0 else f' d={d}'} #{i}", {
            "t": t, "x": base + rng.normal(scale=0.1, size=shape),
            "min_cutoff": float(rng.uniform(0.3, 3.0)), "beta": float(rng.uniform(0.0, 1.0)),
            "d_cutoff": float(rng.uniform(0.5, 2.0))}))
    return cases
