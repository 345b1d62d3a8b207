"""The Textual themes offered in settings (the first is the default)."""

THEMES: tuple[str, ...] = ("textual-dark", "textual-light", "nord", "gruvbox", "solarized-light")
