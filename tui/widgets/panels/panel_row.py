"""The containers of the main screen's panels: the row of them, and the last column (output and loss).

Textual's own containers, not laid out a second time when a layout changed only their
virtual size (``NoSecondLayout``): the row's grows and shrinks with the panels' widths and
the derivation's height, at steps that are laid out already.
"""

from __future__ import annotations

from textual.containers import HorizontalScroll, Vertical

from tui.widgets.one_frame import NoSecondLayout


class PanelRow(NoSecondLayout, HorizontalScroll):
    """The panels left to right (``#panels``); it scrolls sideways when they are wider than the screen."""


class PanelColumn(NoSecondLayout, Vertical):
    """The output layer's panel above the loss's (``.panel-column``)."""
