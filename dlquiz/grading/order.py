"""The order exercises are practised in: easy to hard, topic by topic.

Within a difficulty, topics come in checklist order (``dlquiz/topics.yaml``),
then ids. ``dlquiz exercises`` lists in this order, ``dlquiz next`` and the
app's "next exercise" key take the first unsolved one. So a learner starts
with the easy exercise of the first topic and meets the hard ones once every
easier exercise is solved.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from dlquiz.model import DIFFICULTIES, Exercise


def _topic_order() -> dict[str, int]:
    from dlquiz.decks.context import TOPICS_FILE

    try:
        import yaml

        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        data = yaml.load(TOPICS_FILE.read_text(encoding="utf-8"), Loader=loader) or {}
        return {str(t["id"]): i for i, t in enumerate(data.get("topics", []))
                if isinstance(t, Mapping) and "id" in t}
    except (OSError, ValueError):
        return {}


def study_order(exercises: Mapping[str, Exercise]) -> list[Exercise]:
    """Every exercise, easy to hard; within a difficulty topic by topic, then by id."""
    order = _topic_order()

    def rank(e: Exercise) -> tuple[int, int, str]:
        topic = min((order.get(t, len(order)) for t in e.topics), default=len(order))
        level = DIFFICULTIES.index(e.difficulty) if e.difficulty in DIFFICULTIES else 1
        return level, topic, e.id

    return sorted(exercises.values(), key=rank)


def next_unsolved(exercises: Mapping[str, Exercise], solved: Collection[str],
                  after: str | None = None) -> Exercise | None:
    """The first unsolved exercise in study order; with ``after``, the first one after it."""
    ordered = study_order(exercises)
    if after is not None:
        ids = [e.id for e in ordered]
        if after in ids:
            cut = ids.index(after) + 1
            ordered = ordered[cut:] + ordered[:cut]
    return next((e for e in ordered if e.id not in solved and e.id != after), None)
