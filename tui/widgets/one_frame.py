"""One frame for what a key changed: every widget's repaint reaches the screen before it draws.

Textual has each widget ask for its own repaint from its own message loop, once that loop
has its turn after the key; the screen draws a frame as soon as it is idle, so the widgets
whose turn came later (the derivation, the message line, the panels after the first) were
drawn a frame later (~16 ms on), and a layout that more than one of them asked for was done
twice. ``hand_over_repaints`` posts those requests to the screen at the end of the key, as
each widget's loop would; the widget's own turn then finds nothing left to do.
"""

from __future__ import annotations

from textual.geometry import Size
from textual.screen import Screen
from textual.widget import Widget


def hand_over_repaints(screen: Screen[object]) -> None:
    """Post to ``screen`` now every repaint, layout and scroll its widgets have asked for."""
    for widget in screen.walk_children(Widget, with_self=False):
        if widget._repaint_required or widget._layout_required or widget._scroll_required:
            widget._check_refresh()


class SizedByContent(Widget):
    """A widget without children whose size follows its content alone.

    At each layout Textual sets every widget's ``virtual_size``, a reactive that asks for
    another layout of the whole screen when it changed; after a step that widened a grid or
    grew a heatmap, that second layout found every size as the first had left it (~5 ms on
    tiny-cnn, and a frame). A grid or a heatmap has no children and nothing to scroll: its
    size follows its content alone, and it asks for a layout itself when that changes
    (``value_cursor.relayout``). The panels around them keep Textual's way: a panel's
    virtual size decides its scroll bars and its scrolling."""

    def _size_updated(self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True) -> bool:
        return super()._size_updated(size, virtual_size, container_size, layout=False)
