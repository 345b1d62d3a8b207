"""The Textual app: the only package in dlquiz that imports Textual.

``app.py`` wires modes and global keys; ``context.py`` is the one place that
talks to the core (catalog, store, session, config, grader) and moves blocking
work off the UI thread; ``screens/`` holds one module per screen and
``widgets/`` the reusable pieces, each declaring its own messages.
"""
