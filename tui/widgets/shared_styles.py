"""Styles of a widget's parts (``HeatmapView > .heatmap-view--fresh``), resolved once per
theme for every widget of a kind.

Written in the stylesheet like Textual's component classes, but not declared as
``COMPONENT_CLASSES``: Textual styles each declared class of each widget as a node of its
own, at mount and again at every style update of the widget (each focus change restyles
every widget on the screen), which was a large share of the first frame and of a keypress.
The parts' rules here depend on the kind of widget only, so one resolution serves them all.
"""

from __future__ import annotations

from rich.style import Style
from textual.dom import DOMNode
from textual.widget import Widget


def part_style(widget: Widget, part: str) -> Style:
    """The partial Rich style of ``.{part}`` inside ``widget`` (as
    ``get_component_rich_style(part, partial=True)`` gives it), shared by its kind."""
    app = widget.app
    shared: dict[tuple[str, str, str], Style] = app.__dict__.setdefault("_part_styles", {})
    key = (type(widget).__name__, part, app.theme)
    style = shared.get(key)
    if style is None:
        node = DOMNode(classes=part)  # as Textual styles component classes
        node._attach(widget)
        app.stylesheet.apply(node)
        style = shared[key] = node.styles.partial_rich_style
    return style
