"""Grading of coding exercises: references, case generators, checkers, sandbox."""
