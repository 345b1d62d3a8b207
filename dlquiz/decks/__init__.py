"""Deck files to the model: YAML positions, schema, rules, cache, catalog, starter deck.

Add a deck error message in ``schema.py`` (what JSON Schema can say) or
``loader.py`` (the rules a schema cannot express: duplicates, cloze numbers,
topics, generators). Nothing is imported here so ``dlquiz.decks.catalog`` stays
cheap on a warm start (no yaml, jsonschema or numpy).
"""
