"""What to study next: the scheduling step, the session and its queue, statistics.

Add a scheduler beside ``sm2.py``; the session asks it for the next state.
Nothing here touches SQLite directly: the session goes through ``dlquiz.store``.
"""
