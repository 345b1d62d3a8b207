"""Handing a file to ``$EDITOR`` with the app suspended, as the coding screen does.

Why a function of its own: the terminal must be given back to the app whatever
happens, and the two failures a learner can meet (no editor installed, no
terminal at all under ``dlquiz serve``) need one clear line each, not a traceback.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

from textual.app import App, SuspendNotSupported


def open_in_editor(app: App[Any], command: list[str], path: Path) -> str:
    """Run ``command`` (the editor on ``path``) in the terminal; "" when it ran, else why not."""
    try:
        with app.suspend():
            subprocess.run(command, check=False)
    except SuspendNotSupported:
        return (f"Could not start the editor: there is no terminal to hand over here (a "
                f"browser). Edit {path} yourself, then open the exercise again.")
    except OSError as exc:
        return f"Could not start the editor: {exc}"
    return ""
