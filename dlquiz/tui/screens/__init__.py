"""One module per screen; each screen's styles live beside it in ``<name>.tcss``."""
