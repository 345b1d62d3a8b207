"""What the review screen does *about* the current card, besides answering it.

Undo, suspend, bury, edit the YAML in ``$EDITOR``, and open a code card's
exercise. Each is one trip to the database thread (or to the editor) and then
back to :meth:`ReviewScreen.advance`, which draws whatever is current now; none
of them knows how a card is drawn. Kept apart from the screen so its key
routing and card state machine (``review.py``) read on their own.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dlquiz.study.session import StudySession
    from dlquiz.tui.context import AppContext
    from dlquiz.tui.screens.coding import CodingResult
    from dlquiz.tui.study import CardView


class CardActions:
    """Mixin for :class:`~dlquiz.tui.screens.review.ReviewScreen` (a Textual ``Screen``)."""

    if TYPE_CHECKING:  # provided by ReviewScreen / Screen
        ctx: AppContext
        session: StudySession | None
        view: CardView | None
        busy: bool
        state: str

        async def advance(self) -> None: ...
        async def commit(self, quality: int, *, grade: str, graded_by: str) -> None: ...
        def notify(self, message: str, *, severity: str = ..., timeout: float = ...) -> None: ...
        @property
        def app(self) -> object: ...

    async def action_undo(self) -> None:
        """Take back the last answer of this session and show that card again."""
        if self.session is None or self.busy:
            return
        undone = await self.db(lambda store, s: s.undo(), self.session)
        if not undone:
            self.notify("Nothing to undo in this session.")
            return
        self.notify("Undone.")
        await self.advance()

    async def action_suspend(self) -> None:
        await self._drop("suspend", "Suspended: `dlquiz cards unsuspend` brings it back.")

    async def action_bury(self) -> None:
        await self._drop("bury", "Buried until tomorrow.")

    async def _drop(self, how: str, message: str) -> None:
        if self.session is None or self.view is None or self.busy or self.state == "done":
            return
        self.busy = True
        try:
            await self.db(lambda store, s: getattr(s, how)(), self.session)
        finally:
            self.busy = False
        self.notify(message)
        await self.advance()

    async def action_edit(self) -> None:
        """Open the card's YAML at its line in ``$EDITOR``, then reload the decks."""
        if self.view is None:
            return
        import subprocess

        from textual.app import SuspendNotSupported

        from dlquiz.decks.overrides import edit_target, forget_unchanged

        app = self.app
        card, catalog = self.view.item.card, self.ctx.catalog
        try:
            # A bundled card opens its override file (kept across upgrades), never in place.
            path, line = edit_target(catalog, card, self.ctx.paths)
            command = self.ctx.editor_command(path, line)
            with app.suspend():  # type: ignore[attr-defined]
                subprocess.run(command, check=False)
        except SuspendNotSupported:  # a browser (dlquiz serve): no terminal to hand over
            self.notify(f"No terminal for $EDITOR here: edit {path} (line {line}) yourself, "
                        "then press r on the decks screen to reload.", severity="warning",
                        timeout=10)
            return
        except OSError as exc:
            self.notify(f"Could not start the editor: {exc}", severity="error")
            return
        forget_unchanged(path, card, catalog, self.ctx.paths)  # an abandoned edit pins nothing
        catalog = self.ctx.reload_catalog()
        broken = [b for b in catalog.broken if b.path == str(path)]
        if broken:
            self.notify(f"The deck has errors now:\n{broken[0].errors[0]}", severity="error",
                        timeout=10)
        await self.advance()

    def open_exercise(self) -> None:
        """A code card: the coding screen on top; its result is committed as the answer."""
        from dlquiz.tui.screens.coding import CodingScreen

        assert self.view is not None and self.view.exercise is not None

        async def finished(result: CodingResult | None) -> None:
            if result is None or result.quality is None:
                return
            await self.commit(result.quality, grade=result.verdict, graded_by="exercise")

        # A due card is a scheduled review: write it again from the starter. New cards,
        # re-drills and cram keep the workspace file.
        review = self.view.kind == "due"
        self.app.push_screen(  # type: ignore[attr-defined]
            CodingScreen(self.view.exercise, in_session=True, review=review), finished)
