"""dlquiz: spaced-repetition interview prep for deep learning and computer vision."""

__version__ = "0.1.0"
