"""The app's handle on the core: paths, catalog, config, clock and the store thread.

Why one database thread: :class:`dlquiz.store.database.Store` wraps one ``sqlite3``
connection, which may only be used on the thread that opened it. Every store
and session call therefore runs on a single-worker executor
(:meth:`AppContext.db`), which also serialises them, while the UI thread only
awaits the result. Grading runs on Textual thread workers (it never touches
the store); its attempt is then recorded through :meth:`AppContext.db`.

The clock is injectable (``now``) so tests and snapshots are deterministic.
The TUI holds no scheduling, grading or SQL logic: everything here is a call
into the core.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from dlquiz.paths import Paths

if TYPE_CHECKING:
    from dlquiz.config import Settings
    from dlquiz.decks.catalog import Catalog
    from dlquiz.store.database import Store
    from dlquiz.study.session import ItemIndex, SchedulingConfig

T = TypeVar("T")


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class AppContext:
    """Everything a screen needs from the outside world, created once per app run."""

    paths: Paths
    deck_paths: Sequence[str] = ()
    now: Callable[[], datetime] = utc_now
    #: Seed for queue shuffles and numeric draws (None: fresh each run).
    seed: int | None = None
    #: When set, show only these deck ids (tests and benchmarks use it to hide bundled decks).
    only_decks: tuple[str, ...] = ()
    _catalog: Catalog | None = field(default=None, repr=False)
    _config: Settings | None = field(default=None, repr=False)
    _store: Store | None = field(default=None, repr=False)
    _executor: ThreadPoolExecutor | None = field(default=None, repr=False)
    _index: ItemIndex | None = field(default=None, repr=False)
    _index_of: object = field(default=None, repr=False)
    #: The scheduler spec the open store was last set to (see dlquiz.store.scheduling).
    _applied_spec: dict[str, Any] | None = field(default=None, repr=False)
    #: Why the start-up backup failed, if it did (shown by the home screen).
    backup_error: str = ""
    #: The catalog while it loads on the database thread (see preload_catalog).
    _loading: Future[Catalog] | None = field(default=None, repr=False)

    # -- catalog and config ------------------------------------------------------------

    @property
    def catalog(self) -> Catalog:
        if self._catalog is None:
            self.reload_catalog()
        assert self._catalog is not None
        return self._catalog

    def reload_catalog(self) -> Catalog:
        """Re-read every deck (after an edit in ``$EDITOR``)."""
        from dataclasses import replace

        from dlquiz.decks.catalog import load_catalog

        catalog = load_catalog(self.paths, tuple(self.deck_paths))
        if self.only_decks:
            extra = tuple(str(Path(p).resolve()) for p in self.deck_paths)
            catalog = replace(
                catalog,
                decks=tuple(d for d in catalog.decks if d.id in self.only_decks),
                broken=tuple(b for b in catalog.broken
                             if b.deck_id in self.only_decks
                             or str(Path(b.path).resolve()).startswith(extra or ("\0",))),
            )
        self._catalog = catalog
        return catalog

    def item_index(self) -> ItemIndex:
        """All items of the loaded decks, keyed once per catalog load."""
        from dlquiz.study.session import ItemIndex

        if self._index is None or self._index_of is not self._catalog:
            self._index = ItemIndex(list(self.catalog.items()))
            self._index_of = self._catalog
        return self._index

    def scheduling(self) -> SchedulingConfig:
        """The session's limits from the user's settings."""
        return self.config.scheduling

    @property
    def config(self) -> Settings:
        """The user's settings (``config.toml``), read once per run."""
        if self._config is None:
            from dlquiz.config import load_settings

            self._config = load_settings(self.paths)
        return self._config

    def save_config(self, settings: Settings) -> None:
        """Validate and write ``config.toml``; the next session uses the new limits."""
        from dlquiz.config import save_settings

        save_settings(self.paths, settings)
        self._config = settings

    def today(self) -> date:
        """The study day for the current clock and the configured day start hour."""
        from dlquiz.clock import study_day

        return study_day(self.now(), self.config.day_start_hour)

    # -- the database thread -----------------------------------------------------------

    def _store_on_db_thread(self) -> Store:
        """The store, opened lazily on the database thread (its connection lives there)."""
        from dlquiz.store.database import Store

        if self._store is None:
            self._store = Store.open(self.paths.database)
        spec = self.config.scheduler_spec
        if spec != self._applied_spec:  # first use, or the scheduler changed in settings
            from dlquiz.store.scheduling import use_scheduler

            use_scheduler(self._store, spec)  # replays the card states when it changed
            self._applied_spec = spec
        return self._store

    async def db(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run ``fn(store, *args, **kwargs)`` on the database thread and await its result."""
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="dlquiz-db")
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._executor, lambda: fn(self._store_on_db_thread(), *args, **kwargs)
        )

    def start_daily_backup(self) -> None:
        """Queue the rolling backup on the database thread when one is due; never waits.

        Runs after the store opened cleanly (a damaged database raises first, so it
        is never copied over good backups). A failure is kept in ``backup_error``
        for the UI to mention; it never stops the app.
        """
        from dlquiz.errors import StoreError
        from dlquiz.store.backup import backup_if_due

        def take(store: Store) -> None:
            try:
                backup_if_due(store, self.paths.backups_dir, now=self.now(),
                              day_start_hour=self.config.day_start_hour)
            except (StoreError, OSError) as exc:
                self.backup_error = str(exc)

        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="dlquiz-db")
        self._executor.submit(lambda: take(self._store_on_db_thread()))

    def db_submit(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> Future[T]:
        """Queue ``fn(store, ...)`` on the database thread without waiting (start-up work)."""
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="dlquiz-db")
        return self._executor.submit(lambda: fn(self._store_on_db_thread(), *args, **kwargs))

    def db_sync(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Like :meth:`db` but blocking: only for worker threads and shutdown."""
        return self.db_submit(fn, *args, **kwargs).result()

    def preload_catalog(self) -> None:
        """Start loading the decks on the database thread, now, without waiting.

        Why: ``dlquiz`` calls this before it imports Textual, so on a warm start
        (one JSON cache read) the catalog is there by the time the decks screen
        mounts and its first frame already lists the decks. On a cold start
        (every YAML parsed) that screen shows "Loading decks…" and holds the keys
        until :meth:`loaded_catalog` returns. Until the load is done only the
        database thread touches the catalog.
        """
        if self._catalog is None and self._loading is None:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="dlquiz-db")
            self._loading = self._executor.submit(lambda: self.catalog)

    def catalog_ready(self) -> bool:
        """True once the catalog is loaded (the main thread may then use :attr:`catalog`)."""
        return self._loading is None or self._loading.done()

    async def loaded_catalog(self) -> Catalog:
        """The catalog, awaiting the preload when it is still running (off the UI thread)."""
        if self._loading is not None:
            await asyncio.wrap_future(self._loading)
            self._loading = None
        if self._catalog is None:
            await self.db(lambda store: self.catalog)
        return self.catalog

    def close(self) -> None:
        """Close the store on its own thread and stop the executor."""
        if self._executor is not None:
            executor, self._executor = self._executor, None
            if self._loading is not None:
                self._loading.cancel()  # not needed any more (a no-op once it has started)

            def close_store() -> None:  # after the queued jobs, which may have (re)opened it
                if self._store is not None:
                    store, self._store = self._store, None
                    store.close()

            executor.submit(close_store).result()
            executor.shutdown(wait=True)
        elif self._store is not None:
            self._store.close()
            self._store = None

    # -- editor ------------------------------------------------------------------------

    @staticmethod
    def editor_command(path: Path, line: int = 1) -> list[str]:
        """``$VISUAL``/``$EDITOR`` (default ``vi``) opening ``path`` at ``line`` when it can."""
        import shlex

        editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
        argv = shlex.split(editor)
        name = Path(argv[0]).name
        if name in {"vi", "vim", "nvim", "nano", "emacs", "micro", "kak", "hx", "joe", "ne"}:
            return [*argv, f"+{line}", str(path)]
        if name in {"code", "code-insiders", "subl", "zed"}:
            return [*argv, "--wait", f"{path}:{line}"] if name.startswith("code") else [
                *argv,
                f"{path}:{line}",
            ]
        return [*argv, str(path)]
