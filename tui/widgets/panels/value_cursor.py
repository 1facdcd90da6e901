"""What the app asks of any view of a panel's values (number grid or heatmap)."""

from __future__ import annotations

from typing import cast

from textual import events
from textual.widget import Widget


class ValueCursor:
    """A view with a cursor over named values: it can ``locate`` a name and ``_move_to`` it."""

    def locate(self, name: str) -> tuple[int, int] | None:
        raise NotImplementedError

    def _move_to(self, where: tuple[int, int]) -> None:
        raise NotImplementedError

    def _on_focus(self, event: events.Focus) -> None:
        """Textual's own handler, less its repaint of the whole view (each of the two views
        repaints the line of its cursor, the only one the focus changes): at each step the
        focus moves from one panel to the next, and the two views were drawn again whole."""
        self._focus_moved(event, True)

    def _on_blur(self, event: events.Blur) -> None:
        self._focus_moved(event, False)

    def _focus_moved(self, event: events.Focus | events.Blur, has_focus: bool) -> None:
        event.prevent_default()  # Textual's Widget handler, done here but its ``refresh()``
        widget = cast(Widget, self)
        widget.has_focus = has_focus
        if widget.parent is not None:
            message = events.DescendantFocus(widget) if has_focus else events.DescendantBlur(widget)
            widget.parent.post_message(message)

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
