"""One frame for what a key changed: every widget's repaint reaches the screen before it draws.

Textual has each widget ask for its own repaint from its own message loop, once that loop
has its turn after the key; the screen draws a frame as soon as it is idle, so the widgets
whose turn came later (the derivation, the message line, the panels after the first) were
drawn a frame later (~16 ms on), and a layout that more than one of them asked for was done
twice. ``hand_over_repaints`` posts those requests to the screen at the end of the key, as
each widget's loop would; the widget's own turn then finds nothing left to do.
"""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING

from textual.box_model import BoxModel
from textual.geometry import Size
from textual.screen import Screen
from textual.widget import Widget


def hand_over_repaints(screen: Screen[object]) -> None:
    """Post to ``screen`` now every repaint, layout and scroll its widgets have asked for."""
    for widget in screen.walk_children(Widget, with_self=False):
        if widget._repaint_required or widget._layout_required or widget._scroll_required:
            widget._check_refresh()


if TYPE_CHECKING:  # a mixin for widgets: typed as one, made of ``object`` (see NoSecondLayout)
    _WidgetMixin = Widget
else:
    _WidgetMixin = object


class NoSecondLayout(_WidgetMixin):
    """Mixed into a widget (first): not laid out a second time when a layout changed only its
    virtual size. Not a Widget itself: Textual inherits CSS along the first DOM class among a
    class's bases, and a Widget mixed in first would hide the CSS of the widget's own class
    (``VerticalScroll``'s ``overflow-y: auto``: a panel without its scroll bar).

    At each layout Textual sets every widget's ``virtual_size``, a reactive that asks for
    another layout of the whole screen when it changed (a panel whose grid grew a column
    wider, the derivation's text a line longer). That second layout finds every place as
    the first left it (~2.5 ms on tiny-cnn, and a frame), unless the new virtual size
    brought or took away a scroll bar or moved the scroll position: those are checked
    here, and then the widget is laid out again as Textual would (a scroll bar's own
    reactive asks for that layout too). Else ``_scroll_update`` has set the scroll bars'
    lengths and repaints them, which is all the second layout changed."""

    def _scroll_state(self) -> tuple[object, ...]:
        return self.scroll_offset, self.show_vertical_scrollbar, self.show_horizontal_scrollbar

    def _size_updated(self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True) -> bool:
        before = self._scroll_state()
        resized = super()._size_updated(size, virtual_size, container_size, layout=False)
        if layout and self._scroll_state() != before:
            self.refresh(layout=True)
        return resized


class SizedByContent(NoSecondLayout, Widget):
    """A widget without children whose size follows its content alone.

    A grid or a heatmap has no children and nothing to scroll (so no second layout for its
    virtual size, ever: ``NoSecondLayout``). It asks for a layout itself when its content
    changes size (``value_cursor.relayout``), that is when ``asked_size`` is not what it was.

    Its width is at least the room its parent keeps anyway (``room``): a grid whose numbers
    change width inside a panel held wider by its min-width (pool's 6 ↔ 12 columns, "·"
    against a number, in a panel with 12 columns inside) then keeps its size, and a step
    repaints it instead of laying out the whole screen. The panel is as wide as before."""

    _room_seen = -1  # the room of the last box model made

    def natural_width(self) -> int:
        """The width the content itself needs."""
        raise NotImplementedError

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return max(self.natural_width(), self.room())

    def room(self) -> int:
        """The width an auto-width parent gives its content at the least: its min-width (in
        cells) less its border and padding, and less its vertical scroll bar's column while it
        shows one (Textual adds that column to the content's width). The parent's own width,
        the widest of its min-width and its content, is then what it would be without this
        floor. Read from the parent's styles (a panel sets its min-width once, from its title)
        and its scroll bar (``_get_box_model`` counts a new room as a change of size)."""
        parent = self.parent
        if not isinstance(parent, Widget):
            return 0
        styles = parent.styles
        least = styles.min_width
        if least is None or not least.is_cells or not styles.is_auto_width:
            return 0
        room = int(least.value) - (styles.gutter.width if styles.box_sizing == "border-box" else 0)
        if parent.show_vertical_scrollbar or (styles.overflow_y == "auto" and styles.scrollbar_gutter == "stable"):
            room -= styles.scrollbar_size_vertical
        return max(room - self.styles.margin.width, 0)

    def _get_box_model(self, container: Size, viewport: Size, width_fraction: Fraction, height_fraction: Fraction,
                       constrain_width: bool = False, greedy: bool = True) -> BoxModel:
        """Textual's, with the room in its cache's key: Textual keeps a widget's box model until
        the widget or its container changes size, and a parent's scroll bar coming or going
        changes the room alone (a panel one column wider for good, were the old box kept)."""
        room = self.room()
        if room != self._room_seen:
            self._room_seen = room
            self._layout_updates += 1  # a key of Textual's box-model cache
        return super()._get_box_model(container, viewport, width_fraction, height_fraction, constrain_width, greedy)

    def asked_size(self) -> Size:
        """The width and height this widget asks of a layout."""
        nothing = Size(0, 0)
        width = self.get_content_width(nothing, nothing)
        return Size(width, self.get_content_height(nothing, nothing, width))

    def needs_layout(self, asked: Size) -> bool:
        """Whether new content needs a layout, ``asked`` being ``asked_size()`` before it came:
        when it asks for another size, or the widget does not have the size it asks for (not
        laid out yet, or held to another). Else a repaint is all it needs."""
        now = self.asked_size()
        return now != asked or now != self.size
