"""Cases for ``patch_embedding``."""

from __future__ import annotations

import numpy as np

from dlquiz.grading.case import Case


def patch_embedding_cases(rng: np.random.Generator) -> list[Case]:
    """P = 1, one patch, cropping, no bias, rectangular images, then ViT-like random."""

    def args(n: int, c: int, h: int, w: int, p: int, d: int, bias: bool = True) -> dict[str, object]:
        return {
            "images": rng.normal(size=(n, c, h, w)),
            "weight": rng.normal(size=(d, c, p, p)) / p,
            "bias": rng.normal(size=d) if bias else None,
            "patch_size": p,
        }

    # Raster order first (any multi-patch case shows column-major order), then the
    # (C, P, P) flattening (needs C > 1 and P > 1), then the rest.
    cases = [
        Case("rectangular image 4x8 (raster order)", args(1, 1, 4, 8, 2, 2), "edge"),
        Case("C = 3: a patch is flattened as (C, P, P), like the weight",
             args(1, 3, 4, 4, 2, 3), "edge"),
        Case("patch size 1: every pixel is a token", args(1, 3, 2, 3, 1, 4), "edge"),
        Case("one patch covering the whole image", args(2, 1, 4, 4, 4, 3), "edge"),
        Case("no bias", args(1, 2, 4, 4, 2, 5, bias=False), "edge"),
        Case("H, W not multiples of P: trailing pixels dropped", args(2, 3, 7, 9, 3, 4), "edge"),
        Case("embedding dim 1", args(1, 3, 6, 6, 3, 1), "edge"),
    ]
    for i, (n, c, hw, p, d) in enumerate([(2, 3, 8, 4, 8), (4, 3, 32, 8, 16), (2, 3, 64, 16, 32), (1, 3, 224, 16, 64)]):
        cases.append(Case(f"random {n}x{c}x{hw}x{hw} P={p} D={d} #{i}", args(n, c, hw, hw, p, d)))
    return cases
