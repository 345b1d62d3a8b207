"""Reusable widgets. Each one carries its own ``DEFAULT_CSS`` and ``Message`` classes."""
