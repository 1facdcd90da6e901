"""What the app asks of any view of a panel's values (number grid or heatmap)."""

from __future__ import annotations


class ValueCursor:
    """A view with a cursor over named values: it can ``locate`` a name and ``_move_to`` it."""

    def locate(self, name: str) -> tuple[int, int] | None:
        raise NotImplementedError

    def _move_to(self, where: tuple[int, int]) -> None:
        raise NotImplementedError

    def select(self, name: str) -> bool:
        """Put the cursor on ``name``; False if this view does not show it."""
        where = self.locate(name)
        if where is None:
            return False
        self._move_to(where)
        return True
