"""Imports every generator module so each registers itself (see registry.py)."""

from dlquiz.numeric import conv, detection, metrics, training  # noqa: F401
