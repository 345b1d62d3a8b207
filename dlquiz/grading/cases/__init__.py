"""Seeded case generators, one module per exercise family.

Each generator is ``def <name>_cases(rng: np.random.Generator) -> list[Case]``:
named edge cases first (kind ``"edge"``), then random cases of growing size
(``"random n=50 #2"``), then optionally one ``"perf"`` case. Given the same
``rng`` seed a generator returns the same cases, so a learner re-running the
grader sees the same first failure.
"""
