"""The database schema as an ordered list of migrations.

``PRAGMA user_version`` holds how many migrations have run. A new schema change
is a new entry appended to :data:`MIGRATIONS`; entries are never edited once
released, so every existing database can be brought forward step by step.

Conventions: times are UTC ISO-8601 strings with microseconds
(``2024-05-01T08:30:00.123456+00:00``) so they sort as text; days are local
*study days* as ``YYYY-MM-DD`` (the day starts at the configured hour, see
:func:`dlquiz.study.session.study_day`); booleans are 0/1.
"""

from __future__ import annotations

_V1 = (
    # The append-only review log. Before/after values make every row
    # self-describing for export and audit; ``study_day`` is the day the answer
    # counted for, so replaying the log gives the same due dates whatever the
    # machine's time zone. ``scheduled = 0`` rows (cram, same-day re-drills) are
    # kept for history but never move a schedule.
    """
    CREATE TABLE reviews (
        id TEXT PRIMARY KEY,
        item_key TEXT NOT NULL,
        reviewed_at TEXT NOT NULL,
        study_day TEXT NOT NULL,
        grade TEXT NOT NULL,
        quality INTEGER NOT NULL CHECK (quality BETWEEN 0 AND 5),
        interval_before INTEGER NOT NULL,
        interval_after INTEGER NOT NULL,
        easiness_before REAL NOT NULL,
        easiness_after REAL NOT NULL,
        repetitions_before INTEGER NOT NULL,
        repetitions_after INTEGER NOT NULL,
        due_before TEXT,
        due_after TEXT,
        duration_s REAL NOT NULL DEFAULT 0,
        graded_by TEXT NOT NULL CHECK (graded_by IN ('self', 'auto', 'exercise')),
        scheduled INTEGER NOT NULL DEFAULT 1,
        drawn TEXT
    )
    """,
    "CREATE INDEX reviews_item ON reviews (item_key, reviewed_at)",
    "CREATE INDEX reviews_day ON reviews (study_day)",
    # Derived from the log (``dlquiz db rebuild``) except ``suspended`` and
    # ``buried_until``, which are the learner's choices, not answers. A row with
    # ``last_reviewed IS NULL`` is a card that is still new.
    """
    CREATE TABLE card_state (
        item_key TEXT PRIMARY KEY,
        repetitions INTEGER NOT NULL DEFAULT 0,
        interval INTEGER NOT NULL DEFAULT 0,
        easiness REAL NOT NULL DEFAULT 2.5,
        due TEXT,
        last_reviewed TEXT,
        lapses INTEGER NOT NULL DEFAULT 0,
        suspended INTEGER NOT NULL DEFAULT 0,
        buried_until TEXT,
        introduced_on TEXT
    )
    """,
    "CREATE INDEX card_state_due ON card_state (due)",
    "CREATE INDEX card_state_introduced ON card_state (introduced_on)",
    """
    CREATE TABLE exercise_attempts (
        id TEXT PRIMARY KEY,
        exercise_id TEXT NOT NULL,
        at TEXT NOT NULL,
        verdict TEXT NOT NULL,
        passed INTEGER NOT NULL,
        total INTEGER NOT NULL,
        hints_used INTEGER NOT NULL DEFAULT 0,
        duration_s REAL NOT NULL DEFAULT 0
    )
    """,
    "CREATE INDEX exercise_attempts_exercise ON exercise_attempts (exercise_id)",
)

_V2 = (
    # Suspended/buried items are few; this keeps "which items are hidden today"
    # from scanning every state when a queue is built.
    (
        "CREATE INDEX card_state_hidden ON card_state (item_key)"
        " WHERE suspended = 1 OR buried_until IS NOT NULL"
    ),
)

_V3 = (
    # Rows of items that were never reviewed (suspended or buried while new,
    # or undone back to nothing) are few. With them at hand, "which of these
    # items are new" is answered from the primary-key index alone (a row and
    # not in this index = reviewed), which is how the queue finds new cards
    # without reading every reviewed state (see dlquiz.study.newcards).
    "CREATE INDEX card_state_unreviewed ON card_state (item_key) WHERE last_reviewed IS NULL",
)

_V4 = (
    # Today's due items are read from the index alone (no table row per item):
    # it carries every column the due query tests or returns. ``due`` stays the
    # leading column, so the queries the plain index served still use this one.
    "DROP INDEX card_state_due",
    "CREATE INDEX card_state_due_visible ON card_state (due, item_key, suspended, buried_until)",
)

_V5 = (
    # A fingerprint of the code each graded run submitted (dlquiz.grading.workspace.
    # code_fingerprint), so a pass on code identical to an earlier pass is known
    # as a repeat, not a recall. NULL for runs logged before this migration.
    "ALTER TABLE exercise_attempts ADD COLUMN code_sha256 TEXT",
)

_V6 = (
    # Schedulers beside SM-2 (dlquiz.study.scheduler): FSRS keeps a stability and
    # a difficulty per card (NULL under SM-2), and both forgetting curves count
    # from the study day of the last scheduled answer. ``meta`` records which
    # scheduler the states were derived with (dlquiz.store.scheduling); no row
    # means SM-2 without fuzz, what every earlier database was made with.
    "ALTER TABLE card_state ADD COLUMN stability REAL",
    "ALTER TABLE card_state ADD COLUMN difficulty REAL",
    "ALTER TABLE card_state ADD COLUMN last_day TEXT",
    (
        "UPDATE card_state SET last_day = (SELECT r.study_day FROM reviews r"
        " WHERE r.item_key = card_state.item_key AND r.scheduled = 1"
        " ORDER BY r.reviewed_at DESC, r.rowid DESC LIMIT 1) WHERE last_reviewed IS NOT NULL"
    ),
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
)

_V7 = (
    # What the learner typed before a card was revealed (``input: typed`` cards, the
    # ``typed_answers`` setting), beside its review rather than in it: the review row is
    # the unit that is exported, merged by id and compared field by field on import
    # (dlquiz.store.importing), and few rows have a text. Deleting a review (undo)
    # deletes its text with it.
    """
    CREATE TABLE typed_answers (
        review_id TEXT PRIMARY KEY REFERENCES reviews (id) ON DELETE CASCADE,
        text TEXT NOT NULL
    )
    """,
)

_V8 = (
    # Mock interviews (dlquiz.study.mock, dlquiz.store.mock_log): one row per session and
    # one per planned question, written when the session starts (points NULL until
    # answered), so a session left half-way still says what was asked. The answers are
    # ordinary ``scheduled = 0`` review rows (the cram rule); ``review_id`` points at one.
    # The score is derived from the questions when read, never stored twice.
    """
    CREATE TABLE mock_sessions (
        id TEXT PRIMARY KEY,
        started_at TEXT NOT NULL,
        ended_at TEXT,
        minutes INTEGER NOT NULL,
        requested TEXT NOT NULL,
        topics TEXT NOT NULL,
        seed INTEGER NOT NULL
    )
    """,
    "CREATE INDEX mock_sessions_started ON mock_sessions (started_at)",
    """
    CREATE TABLE mock_questions (
        session_id TEXT NOT NULL REFERENCES mock_sessions (id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        item_key TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('concept', 'followup', 'numeric', 'coding')),
        topic TEXT NOT NULL,
        budget_s REAL NOT NULL,
        seconds REAL,
        points INTEGER CHECK (points BETWEEN 0 AND 3),
        review_id TEXT,
        timed_out INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (session_id, position)
    )
    """,
)

#: Ordered migrations; index + 1 is the ``user_version`` after running one.
MIGRATIONS: tuple[tuple[str, ...], ...] = (_V1, _V2, _V3, _V4, _V5, _V6, _V7, _V8)

SCHEMA_VERSION = len(MIGRATIONS)
