"""Completion of file names for path inputs (open and save dialogs)."""

from __future__ import annotations

from pathlib import Path

from textual.suggester import Suggester

from core.scenario.root import Root


class PathSuggester(Suggester):
    """Suggests the first folder or .yaml file that completes what was typed."""

    def __init__(self, suffixes: tuple[str, ...] = (".yaml", ".yml"), root: Root | None = None) -> None:
        """``root``: paths are read from that folder and nothing outside it is suggested."""
        super().__init__(use_cache=False, case_sensitive=True)
        self.suffixes = suffixes
        self.root = root

    async def get_suggestion(self, value: str) -> str | None:
        if not value:
            return None
        typed = Path(value).expanduser() if self.root is None else Path(value)
        folder, stem = (typed, "") if value.endswith("/") else (typed.parent, typed.name)
        if self.root is not None:
            if not self.root.contains(folder):
                return None
            folder = self.root.inside(folder)
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
