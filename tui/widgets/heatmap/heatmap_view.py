"""A panel's quantities as colour heatmaps, with a cursor on one value (the heatmap mode).

Each quantity of a panel (weights, outputs, deltas …) is a block: a header line with its
label, shape and legend (min ▒▒▒ max), then its values as half-block pixels. An array
with more than two dimensions is cut into 2-D tiles (one per sample and channel) laid
out in rows; a very wide matrix is folded into tiles of its rows. The cursor moves over
single values and posts the same messages as ``ValueGrid``, so selecting a pixel shows
that value's derivation. Lines are drawn on demand (the line API): only what is visible
is ever rendered, so a 28×28×64 map costs no more than a small one.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from rich.cells import cell_len
from rich.color import Color
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.events import Click
from textual.geometry import Region, Size
from textual.strip import Strip
from textual.widget import Widget

from core.ascii_text import ascii_mode
from core.engine.quantities import parse_name
from core.i18n import tr
from core.numbers import fmt
from tui.bindings import GRID_BINDINGS
from tui.widgets.heatmap.blocks import HeatBlock
from tui.widgets.heatmap.render import RAMP, Scale, legend, legend_width
from tui.widgets.one_frame import SizedByContent
from tui.widgets.panels.value_cursor import ValueCursor, relayout
from tui.widgets.panels.value_grid import PLACEHOLDER, Cell, ValueGrid
from tui.widgets.shared_styles import part_style

MAX_WIDTH = 40  # characters of heatmap per panel line before tiles wrap
INDENT = 1
CURSOR = Color.from_rgb(255, 0, 255)  # magenta: in neither palette
CURSOR_BLUR = Color.from_rgb(120, 120, 120)


@dataclass(frozen=True)
class Layout:
    """Where every value of an array of one shape is drawn.

    ``index`` holds, per pixel row and character column, the flat index of the value
    drawn there (−1 for gaps); ``pos`` the (pixel row, first column) of each value.
    """

    index: np.ndarray
    pos: np.ndarray
    cw: int  # characters per value
    per_line: int = 2  # pixel rows per line: two half blocks, or one (--ascii: a character of RAMP)

    @property
    def lines(self) -> int:
        return (int(self.index.shape[0]) + self.per_line - 1) // self.per_line

    @property
    def width(self) -> int:
        return int(self.index.shape[1])


@lru_cache(maxsize=4096)
def _colour(c: object) -> Color:
    """A cursor ``Color`` or an ``(r, g, b)`` of the palette."""
    if isinstance(c, Color):
        return c
    assert isinstance(c, tuple)
    return Color.from_rgb(*c)


@lru_cache(maxsize=4096)
def _run_look(key: tuple[object, ...], base: Style, bg: Color | None, pending: Style) -> tuple[str, Style]:
    """The character and style of a run of pixels drawn from ``key`` (see ``HeatmapView._pixels``),
    made once for every heatmap: a line has dozens of runs, and making each colour and style
    again took most of a line's ~0.5 ms."""
    if key[0] == "p":
        _, valid, cursor = key
        if not valid:
            return " ", base
        return PLACEHOLDER, base + pending + (Style(bgcolor=CURSOR) if cursor else Style())
    cu, cl, marked = key
    if cu is None and cl is None:
        return " ", base
    if cu is None:
        return ("▚" if marked else "▄"), base + Style(color=_colour(cl), bgcolor=bg)
    style = Style(color=_colour(cu), bgcolor=_colour(cl) if cl is not None else bg)
    return ("▚" if marked else "▀"), base + style  # ▚: a value the trace marks


def _largest_divisor(n: int, limit: int) -> int:
    return max((d for d in range(1, min(n, limit) + 1) if n % d == 0), default=1)


@lru_cache(maxsize=256)
def layout_for(shape: tuple[int, ...], max_width: int = MAX_WIDTH, per_line: int = 2) -> Layout:
    """Tiles of the last two dimensions, leading dimensions laid out in rows; ``per_line``
    pixel rows make one line."""
    size = int(np.prod(shape)) if shape else 1
    lead: tuple[int, ...]
    if len(shape) == 0:
        lead, h, w = (), 1, 1
    elif len(shape) == 1:
        lead, h, w = (), 1, shape[0]
    else:
        lead, h, w = tuple(shape[:-2]), shape[-2], shape[-1]
    stride = h * w
    if w > max_width:  # fold each row of a wide matrix into a tile of its own
        fw = _largest_divisor(w, max_width)
        if fw < max_width // 2:
            fw = max_width
        lead, h, stride, w = (*lead, h), -(-w // fw), w, fw
    cw = 2 if (w <= 4 or h == 1) and 2 * w <= max_width else 1
    tile_chars = w * cw + 1
    tiles = int(np.prod(lead)) if lead else 1
    per_row = 1
    for dim in reversed(lead):  # innermost leading dimensions first, while they fit
        if per_row * dim * tile_chars - 1 <= max_width:
            per_row *= dim
            continue
        per_row *= _largest_divisor(dim, max(1, (max_width + 1) // (per_row * tile_chars)))
        break
    rows_of_tiles = -(-tiles // per_row)
    tile_px = -(-h // per_line) * per_line  # every tile row starts on a new line
    gap_px = per_line if h > 1 and rows_of_tiles > 1 else 0
    index = np.full((rows_of_tiles * (tile_px + gap_px) - gap_px, per_row * tile_chars - 1), -1, dtype=np.int64)
    template = np.repeat(np.arange(h * w).reshape(h, w), cw, axis=1)
    for t in range(tiles):
        tr, tc = divmod(t, per_row)
        r0, c0 = tr * (tile_px + gap_px), tc * tile_chars
        flat = np.where(template < stride, template + t * stride, -1)
        flat[flat >= size] = -1
        index[r0:r0 + h, c0:c0 + w * cw] = flat
    pos = np.zeros((size, 2), dtype=np.int64)
    rows, cols = np.nonzero(index >= 0)
    firsts = index[rows, cols]
    order = np.lexsort((-cols, -rows))  # the last write wins: top-left pixel of each value
    pos[firsts[order]] = np.stack([rows[order], cols[order]], axis=1)
    return Layout(index, pos, cw, per_line)


_COLLAPSED = Layout(np.zeros((0, 0), dtype=np.int64), np.zeros((0, 2), dtype=np.int64), 1)


def _same_block(new: HeatBlock, old: HeatBlock) -> bool:
    """Would ``new`` be drawn exactly as ``old`` is (same name, marks and values)?"""
    if (new.name, new.label, new.shape, new.editable, new.fresh, new.traced) != \
            (old.name, old.label, old.shape, old.editable, old.fresh, old.traced):
        return False
    if new.values is None or old.values is None:
        return new.values is old.values
    return new.values is old.values or bool(np.array_equal(new.values, old.values))


def _marks_by_line(lay: Layout, traced: frozenset[int]) -> dict[int, frozenset[int]]:
    """The flat indexes ``traced`` marks, by the line (of the block's pixel lines) they are drawn on."""
    lines: dict[int, set[int]] = {}
    for flat in traced:
        if flat < lay.pos.shape[0]:
            lines.setdefault(int(lay.pos[flat][0]) // lay.per_line, set()).add(flat)
    return {line: frozenset(marks) for line, marks in lines.items()}


class HeatmapView(ValueCursor, SizedByContent, can_focus=True):
    """Blocks of heatmaps with a cursor on one value; posts ``ValueGrid`` messages."""

    # its parts (app.tcss: heatmap-view--label, --fresh, --pending, --shape) are styled once for
    # every heatmap (tui.widgets.shared_styles), not as COMPONENT_CLASSES of each one
    BINDINGS = GRID_BINDINGS

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.blocks: list[HeatBlock] = []
        self._layouts: list[Layout] = []
        self._colours: list[np.ndarray | None] = []
        self._levels: list[np.ndarray | None] = []  # --ascii: each value's place on RAMP
        self._scales: list[Scale | None] = []
        self._starts: list[int] = []  # first line (the header) of each block
        self._height = 1
        self._width = 4
        self.cursor: tuple[int, int] = (0, 0)  # (block, flat index)
        self._versions: list[int] = []  # per block: a new number when its values (or its name, shape) change
        self._traced_lines: list[dict[int, frozenset[int]]] = []  # per block: line → the values the trace marks
        self._drawn = 0  # the next version number
        self._cache: dict[int, tuple[tuple[object, ...], Strip]] = {}  # line → (what it was drawn from, strip)
        self._base_of: object = None  # the visual style ``_base_style`` was made for
        self._base_style = Style()

    # --- content ----------------------------------------------------------------
    def set_blocks(self, blocks: list[HeatBlock]) -> None:
        """Show ``blocks``; only the lines of the blocks that changed (and the cursor's) are
        drawn again when the heatmaps keep their places (a line costs ~0.5 ms to draw)."""
        same = [i < len(self.blocks) and _same_block(b, self.blocks[i]) for i, b in enumerate(blocks)]
        if len(blocks) == len(self.blocks) and all(same):
            return  # nothing to redraw (a step changes a few panels, not every one)
        old = self.selected_name
        asked, width = self.asked_size(), self._width
        before = (self._starts, [lay.index.shape for lay in self._layouts])
        cursor_line = self._cursor_line()
        versions, olds = self._versions, self.blocks
        self._versions = []
        for i, block in enumerate(blocks):  # new marks alone (fresh, the trace) keep the block's version
            if i < len(versions) and _same_block(block._replace(fresh=olds[i].fresh, traced=olds[i].traced), olds[i]):
                self._versions.append(versions[i])
            else:
                self._versions.append(self._drawn)
                self._drawn += 1
        self.blocks = blocks
        per_line = 1 if ascii_mode() else 2
        self._layouts = [layout_for(b.shape, per_line=per_line) if b.values is not None else _COLLAPSED
                         for b in blocks]
        self._scales = [None if b.values is None else Scale.for_values(b.values) for b in blocks]
        self._colours = [None if b.values is None or s is None else s.colours(b.values.reshape(-1))
                         for b, s in zip(blocks, self._scales)]
        self._levels = [None if b.values is None or s is None or per_line == 2 else s.levels(b.values.reshape(-1))
                        for b, s in zip(blocks, self._scales)]
        self._traced_lines = [_marks_by_line(lay, b.traced) for lay, b in zip(self._layouts, blocks)]
        self._starts, line = [], 0
        for lay in self._layouts:
            self._starts.append(line)
            line += 1 + lay.lines
        self._height = max(line, 1)
        self._width = max([INDENT + lay.width for lay in self._layouts] +
                          [self._header_width(i) for i in range(len(blocks))] + [4])
        where = self.locate(old) if old else None
        if where is not None:
            self.cursor = where
        elif self.cursor[0] >= len(blocks):
            self.cursor = (0, 0)
        if self.needs_layout(asked):
            relayout(self)
        elif before != (self._starts, [lay.index.shape for lay in self._layouts]) or self._width != width:
            self.refresh()
        else:  # the same places: the lines of the changed blocks, and the cursor's old and new line
            lines = {cursor_line, self._cursor_line()}
            for i, kept in enumerate(same):
                if not kept:
                    lines.update(range(self._starts[i], self._starts[i] + 1 + self._layouts[i].lines))
                    # (a line whose block kept its pixels is found unchanged and not drawn again)
            self._refresh_lines(lines)

    def _cursor_line(self) -> int:
        """The line the cursor is drawn on (its block's header while the block is not computed)."""
        b, flat = self.cursor
        if b >= len(self._layouts):
            return 0
        lay = self._layouts[b]
        if lay is _COLLAPSED or flat >= lay.pos.shape[0]:
            return self._starts[b]
        return self._starts[b] + 1 + int(lay.pos[flat][0]) // lay.per_line

    def _refresh_lines(self, lines: set[int]) -> None:
        """Repaint these lines only (each is drawn again if what it shows changed)."""
        width = self.size.width
        if width:
            self.refresh(*(Region(0, y, width, 1) for y in sorted(lines)))
        else:
            self.refresh()

    @property
    def selected_name(self) -> str | None:
        b, flat = self.cursor
        if b < len(self.blocks):
            return self.blocks[b].value_name(flat)
        return None

    @property
    def selected_cell(self) -> Cell | None:
        b, flat = self.cursor
        if b >= len(self.blocks):
            return None
        block = self.blocks[b]
        text = PLACEHOLDER if block.values is None else fmt(float(block.values.reshape(-1)[flat]), 3)
        return Cell(block.value_name(flat), text, "plain", "", block.editable)

    def locate(self, name: str) -> tuple[int, int] | None:
        """(block, flat index) of a value; a whole array's name finds its first value."""
        try:
            ref = parse_name(name)
        except Exception:
            return None
        for i, block in enumerate(self.blocks):
            if block.name != ref.array_name:
                continue
            if ref.index is None:
                return (i, 0)
            if len(ref.index) != len(block.shape) or any(not 0 <= j < n for j, n in zip(ref.index, block.shape)):
                return None
            return (i, int(np.ravel_multi_index(ref.index, block.shape)))
        return None

    def cell_region(self, name: str) -> Region | None:
        where = self.locate(name)
        if where is None:
            return None
        b, flat = where
        lay = self._layouts[b]
        if lay is _COLLAPSED:  # not computed: only its header line is drawn
            return Region(0, self._starts[b], len(self.blocks[b].label), 1)
        r, c = lay.pos[flat]
        return Region(INDENT + int(c), self._starts[b] + 1 + int(r) // lay.per_line, lay.cw, 1)

    def natural_width(self) -> int:
        return self._width

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return self._height

    # --- drawing ----------------------------------------------------------------
    LEGEND = 8  # the cells of a header's palette

    def _header_width(self, i: int) -> int:
        """The cells ``_header(i)`` takes, without making its styles and its legend's colours
        (~0.1 ms a header; a step measures the headers of every block of a changed panel)."""
        block = self.blocks[i]
        shape = "×".join(str(s) for s in block.shape) or "1"
        scale = self._scales[i]
        if scale is None:
            tail = cell_len(f"{PLACEHOLDER} " + tr("not computed yet"))
        else:
            tail = legend_width(scale, self.LEGEND)
        return cell_len(block.label) + cell_len(f" {shape} ") + tail

    def _header(self, i: int) -> Text:
        block = self.blocks[i]
        style = "heatmap-view--fresh" if block.fresh else "heatmap-view--label"
        out = Text(no_wrap=True, end="")
        label_style = part_style(self, style) if self.is_mounted else Style()
        if self._layouts[i] is _COLLAPSED and self.cursor[0] == i:
            label_style += Style(bgcolor=CURSOR if self.has_focus else CURSOR_BLUR)
        out.append(block.label, label_style)
        shape = "×".join(str(s) for s in block.shape) or "1"
        out.append(f" {shape} ", part_style(self, "heatmap-view--shape")
                   if self.is_mounted else "")
        scale = self._scales[i]
        if scale is None:
            out.append(f"{PLACEHOLDER} " + tr("not computed yet"), part_style(
                self, "heatmap-view--pending") if self.is_mounted else "")
        else:
            out.append_text(legend(scale, width=self.LEGEND))
        return out

    def render_line(self, y: int) -> Strip:
        """Line ``y``, kept until what it is drawn from changes: its block (values, marks), the
        cursor on it, the focus, the styles and the width. Textual asks for every line after
        a restyle (each focus change restyles the panel) and after the focus moves; a step,
        a move or a focus change draws again only the lines whose content changed."""
        key = self._line_key(y)
        kept = self._cache.get(y)
        if kept is not None and kept[0] == key:
            return kept[1]
        strip = self._draw_line(y)
        self._cache[y] = (key, strip)
        return strip

    def _line_key(self, y: int) -> tuple[object, ...]:
        """Everything line ``y`` is drawn from."""
        if not self.blocks or y < 0:
            block: object = None
        else:
            b = max(i for i, s in enumerate(self._starts) if s <= y)
            start = self._starts[b]  # "fresh" styles the header only; the trace marks its own lines
            marks = self.blocks[b].fresh if y == start else self._traced_lines[b].get(y - start - 1)
            block = (b, self._versions[b], start, self._layouts[b].index.shape, marks)
        cursor = (self.cursor, self.has_focus) if y == self._cursor_line() else None
        styles = tuple(part_style(self, f"heatmap-view--{part}") for part in ("label", "fresh", "shape", "pending"))
        return (block, cursor, self.size.width, self._base(), styles, ascii_mode())

    def _base(self) -> Style:
        """The widget's Rich style (``rich_style`` walks every ancestor's styles, ~0.1 ms a
        call), made again when Textual makes its visual style again (after a style change)."""
        visual = self.visual_style
        if self._base_of is not visual:
            self._base_of, self._base_style = visual, self.rich_style
        return self._base_style

    def _draw_line(self, y: int) -> Strip:
        base = self._base()
        width = self.size.width
        if not self.blocks:
            return Strip.blank(width, base)
        b = max(i for i, s in enumerate(self._starts) if s <= y) if y >= 0 else 0
        line = y - self._starts[b]
        if line == 0:
            segments = list(self._header(b).render(self.app.console))
            return Strip(segments).apply_style(base).adjust_cell_length(width, base)
        if line - 1 >= self._layouts[b].lines:
            return Strip.blank(width, base)
        return Strip(self._pixels(b, line - 1, base)).adjust_cell_length(width, base)

    def _pixels(self, b: int, line: int, base: Style) -> list[Segment]:
        lay = self._layouts[b]
        if lay.per_line == 1:
            return self._ascii_pixels(b, line, base)
        upper = lay.index[2 * line]
        lower = lay.index[2 * line + 1] if 2 * line + 1 < lay.index.shape[0] else np.full_like(upper, -1)
        colours = self._colours[b]
        traced = self.blocks[b].traced
        bg = base.bgcolor
        cb, cflat = self.cursor
        cursor_colour = CURSOR if self.has_focus else CURSOR_BLUR
        pending = part_style(self, "heatmap-view--pending")
        segments = [Segment(" " * INDENT, base)]
        run_text = ""
        run_key: tuple[object, ...] = ()
        key: tuple[object, ...] = ()
        for u, lo in zip(upper.tolist(), lower.tolist()):
            if colours is None:
                key = ("p", u >= 0 or lo >= 0, b == cb and cflat in (u, lo))
            else:
                cu = None if u < 0 else (cursor_colour if b == cb and u == cflat else tuple(colours[u]))
                cl = None if lo < 0 else (cursor_colour if b == cb and lo == cflat else tuple(colours[lo]))
                key = (cu, cl, bool(traced) and (u in traced or lo in traced))
            if key != run_key:
                if run_text:
                    segments.append(self._segment(run_text, run_key, base, bg, pending))
                run_text, run_key = "", key
            run_text += "x"
        if run_text:
            segments.append(self._segment(run_text, run_key, base, bg, pending))
        return segments

    def _ascii_pixels(self, b: int, line: int, base: Style) -> list[Segment]:
        """A line of one pixel row (--ascii): each value a character of ``RAMP`` in its colour;
        ``o`` where the trace marks it; the cursor's value on the cursor's colour."""
        colours, levels = self._colours[b], self._levels[b]
        traced = self.blocks[b].traced
        cb, cflat = self.cursor
        cursor = Style(bgcolor=CURSOR if self.has_focus else CURSOR_BLUR)
        pending = part_style(self, "heatmap-view--pending")
        segments = [Segment(" " * INDENT, base)]
        for flat in self._layouts[b].index[line].tolist():
            if flat < 0:
                segments.append(Segment(" ", base))
                continue
            style = base + (Style(color=_colour(tuple(colours[flat]))) if colours is not None else pending)
            if b == cb and flat == cflat:
                style += cursor
            glyph = "." if levels is None else ("o" if flat in traced else RAMP[int(levels[flat])])
            segments.append(Segment(glyph, style))
        return segments

    @staticmethod
    def _segment(run: str, key: tuple[object, ...], base: Style, bg: Color | None, pending: Style) -> Segment:
        glyph, style = _run_look(key, base, bg, pending)
        return Segment(glyph * len(run), style)

    # --- interaction ------------------------------------------------------------
    def _move_to(self, where: tuple[int, int]) -> None:
        before = self._cursor_line()
        self.cursor = where
        self._refresh_lines({before, self._cursor_line()})
        self._scroll_to_cursor()
        self.call_after_refresh(self._scroll_to_cursor)  # again once a new layout is in place
        if self.selected_name:
            self.post_message(ValueGrid.ValueSelected(self, self.selected_name))  # type: ignore[arg-type]

    def _scroll_to_cursor(self) -> None:
        region = self.cell_region(self.selected_name or "")
        parent = self.parent
        if region is not None and isinstance(parent, Widget) and parent.is_scrollable:
            parent.scroll_to_region(region.translate(self.virtual_region.offset).grow((1, 2, 1, 2)),
                                    animate=False, immediate=True)

    def action_move(self, dx: int, dy: int) -> None:
        if not self.blocks:
            return
        b, flat = self.cursor
        lay = self._layouts[b]
        r, c = (-1, 0) if lay is _COLLAPSED else (int(v) for v in lay.pos[flat])
        if dx and lay is _COLLAPSED:
            self.post_message(ValueGrid.EdgeReached(self, dx))  # type: ignore[arg-type]
            return
        if dx:
            row = lay.index[r]
            x = c + (lay.cw if dx > 0 else -1)
            while 0 <= x < row.size and (row[x] < 0 or row[x] == flat):
                x += dx
            if 0 <= x < row.size:
                self._move_to((b, int(row[x])))
            else:
                self.post_message(ValueGrid.EdgeReached(self, dx))  # type: ignore[arg-type]
            return
        i = r + dy
        while True:
            while 0 <= i < lay.index.shape[0]:
                row = lay.index[i]
                valid = np.nonzero(row >= 0)[0]
                if valid.size:
                    x = int(valid[np.argmin(np.abs(valid - c))])
                    self._move_to((b, int(row[x])))
                    return
                i += dy
            b += dy
            if not 0 <= b < len(self.blocks):
                return
            lay = self._layouts[b]
            i = 0 if dy > 0 else lay.index.shape[0] - 1

    def action_row_edge(self, direction: int) -> None:
        if not self.blocks:
            return
        b, flat = self.cursor
        lay = self._layouts[b]
        if lay is _COLLAPSED:
            return
        row = lay.index[int(lay.pos[flat][0])]
        valid = row[row >= 0]
        self._move_to((b, int(valid[0] if direction < 0 else valid[-1])))

    def enter_from(self, direction: int, row_hint: int | None = None) -> None:
        """Focus arriving from a neighbouring panel."""
        self.focus()

    def action_edit(self) -> None:
        if self.selected_name:
            self.post_message(ValueGrid.EditRequested(self, self.selected_name))  # type: ignore[arg-type]

    def on_focus(self) -> None:
        self._refresh_lines({self._cursor_line()})  # the cursor's colour
        if self.selected_name:
            self.post_message(ValueGrid.ValueSelected(self, self.selected_name))  # type: ignore[arg-type]

    def on_blur(self) -> None:
        self._refresh_lines({self._cursor_line()})

    def on_click(self, event: Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        x, y = offset
        for b in range(len(self.blocks) - 1, -1, -1):
            if y > self._starts[b]:
                lay = self._layouts[b]
                line, col = y - self._starts[b] - 1, x - INDENT
                if 0 <= line < lay.lines and 0 <= col < lay.width:
                    for r in range(line * lay.per_line, (line + 1) * lay.per_line):
                        if r < lay.index.shape[0] and lay.index[r, col] >= 0:
                            self.focus()
                            self._move_to((b, int(lay.index[r, col])))
                            return
                return
