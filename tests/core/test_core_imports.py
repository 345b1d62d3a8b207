"""The core never imports textual or rich (checked in a fresh interpreter)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

CORE = (
    "dlquiz.model", "dlquiz.errors", "dlquiz.paths", "dlquiz.decks.loader", "dlquiz.decks.catalog",
    "dlquiz.study.sm2", "dlquiz.store.database", "dlquiz.store.migrations", "dlquiz.clock", "dlquiz.study.session",
    "dlquiz.config", "dlquiz.study.stats", "dlquiz.store.backup", "dlquiz.interop.reviews",
    "dlquiz.numeric", "dlquiz.numeric.registry", "dlquiz.numeric.problem",
    "dlquiz.grading", "dlquiz.grading.case", "dlquiz.grading.checkers",
    "dlquiz.grading.registry", "dlquiz.grading.sandbox", "dlquiz.grading.grader",
)  # fmt: skip


def test_core_modules_do_not_import_ui_toolkits() -> None:
    present = [m for m in CORE if importlib.util.find_spec(m) is not None]
    assert "dlquiz.study.session" in present and "dlquiz.store.database" in present
    code = (
        "import importlib, sys\n"
        f"for name in {present!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"core imported: {out.stdout.strip()}"
