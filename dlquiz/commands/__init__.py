"""Subcommand groups of the ``dlquiz`` CLI; each module exposes ``register(subparsers)``.

A handler receives the parsed ``argparse.Namespace`` (with the global
``data_dir`` and ``deck_paths``) and returns an exit code.
"""
