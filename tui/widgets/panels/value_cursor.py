"""What the app asks of any view of a panel's values (number grid or heatmap)."""

from __future__ import annotations

from textual.widget import Widget


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


def relayout(widget: Widget) -> None:
    """``widget.refresh(layout=True)`` that always reaches the next layout.

    Textual keys its box-model cache on a counter it bumps only when no layout is pending
    yet; a size change asked while the first layout is pending (a key typed as the app
    starts) then kept the old height for good. Bumping the counter here makes every
    change of content size count.
    """
    widget._layout_updates += 1
    widget.refresh(layout=True)
