"""Completion of file names for path inputs (open and save dialogs)."""

from __future__ import annotations

from pathlib import Path

from textual.suggester import Suggester


class PathSuggester(Suggester):
    """Suggests the first folder or .yaml file that completes what was typed."""

    def __init__(self, suffixes: tuple[str, ...] = (".yaml", ".yml")) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.suffixes = suffixes

    async def get_suggestion(self, value: str) -> str | None:
        if not value:
            return None
        typed = Path(value).expanduser()
        folder, stem = (typed, "") if value.endswith("/") else (typed.parent, typed.name)
        try:
            names = sorted(folder.iterdir())
        except OSError:
            return None
        for entry in names:
            if entry.name.startswith(stem) and not entry.name.startswith(".") and (
                    entry.is_dir() or entry.suffix in self.suffixes):
                rest = entry.name[len(stem):] + ("/" if entry.is_dir() else "")
                return value + rest if rest else None
        return None
