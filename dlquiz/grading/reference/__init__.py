"""Vectorised NumPy reference implementations, one module per family.

Each docstring states the convention a learner must match (box format, tie
rule, tolerance). Every reference is tested against an independent oracle.
"""
