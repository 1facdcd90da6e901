"""A focusable grid of named numbers with a cell cursor (one per layer panel).

Each cell is one quantity (``fc.delta[0]``). The grid only draws what it is given: the
rows come from ``layer_rows`` and every text from the engine. Moving the cursor posts
``ValueSelected``; ``enter`` posts ``EditRequested``; leaving the grid sideways posts
``EdgeReached`` so the screen can move on to the neighbouring panel.
"""

from __future__ import annotations

from itertools import zip_longest
from typing import NamedTuple, TypeVar

from rich.cells import cell_len
from rich.control import strip_control_codes
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.content import Content
from textual.events import Click
from textual.geometry import Region, Size
from textual.message import Message
from textual.strip import Strip
from textual.style import Style as VisualStyle
from textual.visual import Visual, visualize
from textual.widget import Widget

from core.ascii_text import ascii_mode, one_cell, shown
from tui.bindings import GRID_BINDINGS
from tui.widgets.one_frame import SizedByContent
from tui.widgets.panels.value_cursor import ValueCursor, relayout
from tui.widgets.shared_styles import part_style

PLACEHOLDER = "·"
# the style Textual gives a grid's piece of text, for (the grid's style, the piece's, a row without styles)
_FINAL_STYLES: dict[tuple[VisualStyle, Style | None, bool], VisualStyle] = {}
# a piece's Rich style at its place on the screen (Textual writes the place into the style's
# meta, a pickle, for the mouse: ~6 µs each, four a line); rows drawn again are mostly the same
# pieces at the same places, so the styles are kept, by (style, x, y)
_PLACED: dict[tuple[VisualStyle, int, int], Style] = {}
KEPT_STYLES = 4096  # a dict of kept styles is emptied beyond this many (themes and places come and go)
Key = TypeVar("Key")
WHOLE_AT = 3  # rows out of date at once above which a grid draws all its rows in one go (cheaper)


class Cell(NamedTuple):
    """One number: its quantity name, its text and how to show it."""

    name: str
    text: str
    state: str = "plain"  # plain | fresh | pending | changed | question (a quiz asks it now)
    mark: str = ""  # "✓" right, "≈" close (one unit of the last decimal off), "✗" wrong, or ""
    editable: bool = False
    trace: str = ""  # the selected value's trace marks it: param | value | gradient | chosen (or "")


class Row(NamedTuple):
    """A line of the grid: a label and its cells (no cells: a note line)."""

    label: str
    cells: tuple[Cell, ...] = ()


def _keep(kept: dict[Key, Style], key: Key, style: Style) -> None:
    """``kept[key] = style``, emptying ``kept`` first when it is full."""
    if len(kept) >= KEPT_STYLES:
        kept.clear()
    kept[key] = style


def _placed(style: VisualStyle, x: int, y: int) -> Style:
    """``style.rich_style_with_offset(x, y)``, kept (see ``_PLACED``)."""
    key = (style, x, y)
    placed = _PLACED.get(key)
    if placed is None:
        placed = style.rich_style_with_offset(x, y)
        _keep(_PLACED, key, placed)
    return placed


def shown_cell(text: str) -> str:
    """A cell's number or mark as drawn: with --ascii, one ASCII character for each (−0.3 → -0.3, ✓ → +)."""
    return one_cell(text) if ascii_mode() else text


class ValueGrid(ValueCursor, SizedByContent, can_focus=True):
    """Rows of labelled numbers; arrows move a cursor, enter asks to edit."""

    # Styled in app.tcss (``ValueGrid > .value-grid--fresh``) like component classes, but
    # resolved once per theme for every grid (``tui.widgets.shared_styles``): as
    # COMPONENT_CLASSES, Textual would restyle all of them for each grid at every style update.
    STYLE_CLASSES = (
        "value-grid--label", "value-grid--fresh", "value-grid--pending", "value-grid--changed",
        "value-grid--cursor", "value-grid--cursor-blur", "value-grid--ok", "value-grid--bad",
        "value-grid--editable", "value-grid--question", "value-grid--trace-param", "value-grid--trace-value",
        "value-grid--trace-gradient", "value-grid--trace-chosen",
    )
    BINDINGS = GRID_BINDINGS

    class ValueSelected(Message):
        """The cursor rests on a quantity."""

        def __init__(self, grid: ValueGrid, name: str) -> None:
            super().__init__()
            self.grid = grid
            self.name = name

    class EditRequested(Message):
        """enter on a cell."""

        def __init__(self, grid: ValueGrid, name: str) -> None:
            super().__init__()
            self.grid = grid
            self.name = name

    class EdgeReached(Message):
        """left on the first or right on the last cell of a row."""

        def __init__(self, grid: ValueGrid, direction: int) -> None:
            super().__init__()
            self.grid = grid
            self.direction = direction

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.rows: list[Row] = []
        self.cursor: tuple[int, int] = (0, 0)  # (row, column)
        self._widths: list[int] = []
        self._marks: list[bool] = []
        self._label_width = 0
        self._lines: dict[int, tuple[tuple[object, ...], Strip]] = {}  # row → (what it was drawn from, line)

    # --- content ----------------------------------------------------------------
    def set_rows(self, rows: list[Row]) -> None:
        """Replace the rows, keeping the cursor on the same quantity when it still exists."""
        if rows == self.rows:
            return
        old = self.selected_name
        asked = self.asked_size()
        columns = (self._label_width, tuple(self._widths), tuple(self._marks))
        before, cursor_before = self.rows, self.cursor
        self.rows = rows
        self._measure()
        where = self.locate(old) if old else None
        self.cursor = where if where else self._clamp(self.cursor)
        if self.needs_layout(asked):
            relayout(self)
        elif columns != (self._label_width, tuple(self._widths), tuple(self._marks)):
            self.refresh()  # new columns in the same size (inside the panel's room): every row moves
        else:  # the same columns: only the rows that differ (and the cursor's) are drawn again
            changed = {i for i, (was, now) in enumerate(zip_longest(before, rows)) if was != now}
            if self.cursor != cursor_before:
                changed |= {cursor_before[0], self.cursor[0]}
            self._refresh_rows(changed)

    def _refresh_rows(self, rows: set[int]) -> None:
        """Repaint these rows only (Textual redraws the lines it is told are dirty)."""
        width = self.size.width
        if rows and width:
            self.refresh(*(Region(0, row, width, 1) for row in sorted(rows)))

    def _measure(self) -> None:
        cols = max((len(r.cells) for r in self.rows), default=0)
        self._widths = [0] * cols
        self._marks = [False] * cols
        for row in self.rows:
            for j, cell in enumerate(row.cells):
                self._widths[j] = max(self._widths[j], len(cell.text))
                self._marks[j] = self._marks[j] or bool(cell.mark)
        self._label_width = max((len(shown(r.label)) for r in self.rows), default=0)

    def _clamp(self, cursor: tuple[int, int]) -> tuple[int, int]:
        rows = [i for i, r in enumerate(self.rows) if r.cells]
        if not rows:
            return (0, 0)
        r = cursor[0] if cursor[0] in rows else min(rows, key=lambda i: abs(i - cursor[0]))
        return (r, min(cursor[1], len(self.rows[r].cells) - 1))

    @property
    def selected_name(self) -> str | None:
        r, c = self.cursor
        if r < len(self.rows) and c < len(self.rows[r].cells):
            return self.rows[r].cells[c].name
        return None

    @property
    def selected_cell(self) -> Cell | None:
        r, c = self.cursor
        if r < len(self.rows) and c < len(self.rows[r].cells):
            return self.rows[r].cells[c]
        return None

    def locate(self, name: str) -> tuple[int, int] | None:
        """Row and column of a value; a whole array's name (``fc.out``) finds its first value."""
        for i, row in enumerate(self.rows):
            for j, cell in enumerate(row.cells):
                if cell.name == name or (cell.name.startswith(name + "[") and "[" not in name):
                    return (i, j)
        return None

    # --- geometry -----------------------------------------------------------------
    def _cell_x(self, col: int) -> int:
        x = self._label_width + 1
        for j in range(col):
            x += self._widths[j] + (1 if self._marks[j] else 0) + 1
        return x

    def cell_region(self, name: str) -> Region | None:
        """Where a cell is drawn, in this widget's coordinates."""
        where = self.locate(name)
        if where is None:
            return None
        r, c = where
        return Region(self._cell_x(c), r, self._widths[c], 1)

    def natural_width(self) -> int:
        cols = len(self._widths)
        return max(self._cell_x(cols) - 1, self._label_width, 4)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return max(len(self.rows), 1)

    # --- drawing ----------------------------------------------------------------
    def _style(self, name: str) -> Style:
        """The style of ``value-grid--NAME`` from the stylesheet, shared by every grid."""
        return part_style(self, name)

    def render(self) -> Text:
        out = Text(no_wrap=True, overflow="crop", end="")
        for i in range(len(self.rows)):
            if i:
                out.append("\n")
            self._draw_row(out, i)
        return out

    def _draw_row(self, out: Text, i: int) -> None:
        """Row ``i``'s label and cells, appended to ``out``."""
        for text, style in self._row_pieces(i):
            out.append(text, style)

    def _row_pieces(self, i: int) -> list[tuple[str, Style | None]]:
        """Row ``i`` as the pieces of text it is drawn from, each with its style (``None``:
        the grid's own): its label, then each cell with its mark."""
        row = self.rows[i]
        pieces: list[tuple[str, Style | None]] = [
            (shown(row.label).ljust(self._label_width), self._style("value-grid--label"))]
        for j, cell in enumerate(row.cells):
            pieces.append((" ", None))
            pieces.append((shown_cell(cell.text).rjust(self._widths[j]), self._cell_style(cell, (i, j))))
            if self._marks[j]:
                mark = cell.mark or " "
                style = {"✓": "value-grid--ok", "≈": "value-grid--ok", "✗": "value-grid--bad"}.get(mark)
                pieces.append((shown_cell(mark), self._style(style) if style else None))
        return pieces

    def _drawn_alone(self, y: int) -> Strip | None:
        """Line ``y`` made straight from its pieces: the segments Textual makes of the row's
        text (``Visual.to_strips`` of ``render()``), without its general machinery (wrapping,
        alignment, converting every span's style again), which took ~140 µs a line; ``None``
        when the stylesheet asks for what only that machinery does (alignment, line padding)."""
        rules = self.styles
        if rules.content_align != ("left", "top") or rules.text_align not in ("left", "start") or rules.line_pad:
            return None
        base = self.visual_style
        segments: list[Segment] = []
        x, run = 0, ""
        for piece, style in self._row_pieces(y):
            text = strip_control_codes(piece)  # as rich's Text.append does
            if not text or "\t" in text:
                if "\t" in text:
                    return None  # tabs are expanded by Textual's machinery
                continue
            if not style:  # the grid's own style: one segment with its unstyled neighbours, as Textual makes it
                run += text
                continue
            if run:
                segments.append(Segment(run, _placed(self._final_style(base, None), x, y)))
                x, run = x + len(run), ""
            segments.append(Segment(text, _placed(self._final_style(base, style), x, y)))
            x += len(text)
        if run:
            segments.append(Segment(run, _placed(self._final_style(base, None, alone=not segments), x, y)))
        return Strip(segments, sum(cell_len(segment.text) for segment in segments))

    def _final_style(self, base: VisualStyle, style: Style | None, alone: bool = False) -> VisualStyle:
        """The style Textual gives a piece of the row drawn in ``style`` (``None``: unstyled;
        ``alone``: a row with no styled piece), found by letting Textual draw a two-character
        sample once per theme and style, and kept for every grid."""
        key = (base, style, alone)
        final = _FINAL_STYLES.get(key)
        if final is None:
            sample = Text("a" if alone else "ab", end="")
            if not alone:
                sample.stylize(style or Style(bold=True), 1, 2)  # unstyled: the piece before a span
            content = visualize(self, sample, markup=self._render_markup)
            assert isinstance(content, Content)
            pieces = list(content.render(base, end=""))
            final = base + pieces[0 if alone or style is None else 1][1]
            if len(_FINAL_STYLES) > 1024:  # themes come and go: never grows without bound
                _FINAL_STYLES.clear()
            _FINAL_STYLES[key] = final
        return final

    def render_line(self, y: int) -> Strip:
        """Line ``y`` as ``render()`` draws it, kept until what it shows changes: a step redraws
        the rows whose numbers, marks or cursor changed, each from its row alone, not every
        row of the grid (``_drawn_alone``). Where the stylesheet asks for Textual's own drawing,
        most rows changed at once (the first frame, new columns) are drawn in one go, as
        Textual draws any widget; so is a grid narrower than its rows (they would wrap) or
        with text selected by the mouse."""
        width = self.size.width
        if not self.rows or self.text_selection is not None or width < self._cell_x(len(self._widths)) - 1:
            self._lines.clear()
            return super().render_line(y)
        if y >= len(self.rows):
            return Strip.blank(width, self.visual_style.rich_style)
        kept = self._lines.get(y)
        key = self._line_key(y, width)
        if kept is not None and kept[0] == key:
            return kept[1]
        strip = self._drawn_alone(y)
        if strip is None:
            keys = [self._line_key(i, width) for i in range(len(self.rows))]
            stale = sum(1 for i, k in enumerate(keys) if (was := self._lines.get(i)) is None or was[0] != k)
            if stale > WHOLE_AT:
                strips = Visual.to_strips(self, visualize(self, self.render(), markup=self._render_markup), width,
                                          len(self.rows), self.visual_style)
                blank = Strip.blank(width, self.visual_style.rich_style)
                self._lines = {i: (k, strips[i] if i < len(strips) else blank) for i, k in enumerate(keys)}
                return self._lines[y][1]
            line = Text(no_wrap=True, overflow="crop", end="")
            self._draw_row(line, y)
            strips = Visual.to_strips(self, visualize(self, line, markup=self._render_markup), width, 1,
                                      self.visual_style)
            strip = strips[0] if strips else Strip.blank(width, self.visual_style.rich_style)
            if y:  # each cell's place as the whole grid gives it (a click reads it): drawn alone, its row was 0
                strip = strip.apply_offsets(0, y)
        self._lines[y] = (key, strip)
        return strip

    def _line_key(self, y: int, width: int) -> tuple[object, ...]:
        """Everything line ``y`` is drawn from."""
        on_row = self.cursor[0] == y
        return (self.rows[y], self.cursor[1] if on_row else -1, on_row and self.has_focus, self._label_width,
                tuple(self._widths), tuple(self._marks), width, self.styles._cache_key, self.app.theme,
                ascii_mode())

    def _cell_style(self, cell: Cell, where: tuple[int, int]) -> Style:
        """The parts' styles of a cell added up: its marks, then the cursor's (kept by what
        they are made from, as the parts themselves are kept per theme)."""
        cursor = "" if where != self.cursor else "value-grid--cursor" if self.has_focus else "value-grid--cursor-blur"
        # kept for every grid of the app, as its parts' styles are (shared_styles.part_style)
        kept: dict[tuple[bool, str, str, str, str], Style] = self.app.__dict__.setdefault("_cell_styles", {})
        key = (cell.editable, cell.state, cell.trace, cursor, self.app.theme)
        style = kept.get(key)
        if style is None:
            style = Style()
            if cell.editable:
                style += self._style("value-grid--editable")
            if cell.state != "plain":
                style += self._style(f"value-grid--{cell.state}")
            if cell.trace:
                style += self._style(f"value-grid--trace-{cell.trace}")
            if cursor:
                style += self._style(cursor)
            _keep(kept, key, style)
        return style

    # --- interaction ------------------------------------------------------------
    def _move_to(self, where: tuple[int, int]) -> None:
        before, self.cursor = self.cursor, where
        self._refresh_rows({before[0], where[0]})
        region = self.cell_region(self.selected_name or "")
        if region is not None:
            self.scroll_to_region_in_parent(region)
        if self.selected_name:
            self.post_message(self.ValueSelected(self, self.selected_name))

    def scroll_to_region_in_parent(self, region: Region) -> None:
        """Keep the cursor visible when the panel scrolls."""
        parent = self.parent
        if isinstance(parent, Widget) and parent.is_scrollable:
            parent.scroll_to_region(region.translate(self.virtual_region.offset).grow((1, 2, 1, 2)),
                                    animate=False, immediate=True)

    def action_move(self, dx: int, dy: int) -> None:
        r, c = self.cursor
        if not self.rows:
            return
        if dx:
            n = len(self.rows[r].cells)
            if 0 <= c + dx < n:
                self._move_to((r, c + dx))
            else:
                self.post_message(self.EdgeReached(self, dx))
            return
        x = self._cell_x(c)
        i = r + dy
        while 0 <= i < len(self.rows) and not self.rows[i].cells:
            i += dy
        if not 0 <= i < len(self.rows):
            return
        cols = self.rows[i].cells
        best = min(range(len(cols)), key=lambda j: abs(self._cell_x(j) - x))
        self._move_to((i, best))

    def action_row_edge(self, direction: int) -> None:
        r, _ = self.cursor
        if self.rows and self.rows[r].cells:
            self._move_to((r, 0 if direction < 0 else len(self.rows[r].cells) - 1))

    def enter_from(self, direction: int, row_hint: int | None = None) -> None:
        """Focus arriving from a neighbour: start at the near edge."""
        self._clamp(self.cursor)
        r = self._clamp((row_hint if row_hint is not None else self.cursor[0], 0))[0]
        if self.rows and self.rows[r].cells:
            c = 0 if direction > 0 else len(self.rows[r].cells) - 1
            self._refresh_rows({self.cursor[0], r})
            self.cursor = (r, c)
        self.focus(scroll_visible=False)  # the screen scrolls to the value itself (ValueSelected)

    def action_edit(self) -> None:
        if self.selected_name:
            self.post_message(self.EditRequested(self, self.selected_name))

    def watch_has_focus(self, has_focus: bool) -> None:
        """The cursor's colour changes with the focus; the other rows look the same. Done as the
        focus moves (not in ``on_focus``, later in the grid's own turn), so the step that moved
        it draws it in its own frame."""
        super().watch_has_focus(has_focus)
        self._refresh_rows({self.cursor[0]})

    def on_focus(self) -> None:
        if self.selected_name:
            self.post_message(self.ValueSelected(self, self.selected_name))

    def on_click(self, event: Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        x, y = offset
        if 0 <= y < len(self.rows):
            for j in range(len(self.rows[y].cells)):
                start = self._cell_x(j)
                if start <= x < start + self._widths[j] + 1:
                    self.focus()
                    self._move_to((y, j))
                    return
