"""A panel's own lines between its top and bottom border: drawn once, as they are all alike.

A panel draws only its border and padding around a blank inside (its grid, scroll bars and
editor are widgets of their own, drawn apart), so every line between the top and bottom
border is the same line. When the focus moves at each step, the two panels whose border
colour changes are drawn again whole: ~30 lines a step on tiny-cnn, each ~55 µs of
Textual's styling. Their inside lines are now made once, from the same inputs, and kept.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.terminal_theme import TerminalTheme
from textual._styles_cache import StylesCache
from textual.color import Color
from textual.content import Content
from textual.css.styles import RenderStyles, StylesBase
from textual.geometry import Size, Spacing
from textual.strip import Strip
from textual.style import Style


class SameInsideLines(StylesCache):
    """Textual's line cache of a widget, with one line made for all the lines inside its border."""

    def __init__(self) -> None:
        super().__init__()
        self._inside: tuple[tuple[object, ...], Strip] | None = None  # (what it was made from, the line)

    def clear(self) -> None:
        super().clear()
        self._inside = None

    def render_line(self, styles: StylesBase, y: int, size: Size, content_size: Size, padding: Spacing,
                    base_background: Color, background: Color, render_content_line: Callable[[int], Strip],
                    border_title: tuple[Content, Color, Color, Style] | None,
                    border_subtitle: tuple[Content, Color, Color, Style] | None,
                    opacity: float, ansi_theme: TerminalTheme, native_ansi: bool) -> Strip:
        """Textual's line ``y``; inside the border and padding, the line made for the same
        styles, sizes, colours and content line, if there is one."""
        gutter = styles.gutter
        key: tuple[object, ...] | None = None
        if isinstance(styles, RenderStyles) and gutter.top <= y < size.height - gutter.bottom:
            row = y - gutter.top
            content = render_content_line(row) if row < content_size.height else None
            key = (styles._cache_key, size, content_size, padding, base_background, background, opacity,
                   ansi_theme, native_ansi, content)  # (its every rule, the border colour among them)
            if self._inside is not None and self._inside[0] == key:
                return self._inside[1]
        strip = super().render_line(styles, y, size, content_size, padding, base_background, background,
                                    render_content_line, border_title, border_subtitle, opacity, ansi_theme,
                                    native_ansi)
        if key is not None:
            self._inside = (key, strip)
        return strip
