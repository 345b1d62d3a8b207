"""SQLite: schema and migrations (PRAGMA user_version), the append-only review log,
card states, file checks and backups.

Add a migration to the ordered list in ``migrations.py``; never edit a shipped one.
"""
