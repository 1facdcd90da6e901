"""The key bar: one line at the bottom with the keys that apply now (in place of Textual's Footer).

It shows what the Footer showed: every active binding with ``show=True`` (the app's keys
from ``tui.bindings.KEYS`` that ``check_action`` allows, and those of the focused widget),
then the command palette's key on the right. Textual's Footer rebuilds a widget per key
whenever the bindings may have changed (every focus change); this bar only computes the
list and redraws its single line when the list is different. A click on a key presses it.
The bindings hold their descriptions in English (``mark``ed in ``tui.bindings``); the bar
says them in the current language.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.screen import Screen
from textual.widget import Widget

from core.ascii_text import shown as ascii_shown
from core.i18n import tr
from tui.widgets.shared_styles import part_style

# (key to simulate, key as shown, description, enabled)
KeyItem = tuple[str, str, str, bool]


class KeyBar(Widget, can_focus=False):
    """Keys that apply now, e.g. `` f forward  space next  …  ? help  q quit ▏^p palette``."""

    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        width: 1fr;
        background: $footer-background;
        color: $footer-description-foreground;
    }
    KeyBar > .key-bar--key {
        color: $footer-key-foreground;
        text-style: bold;
    }
    """
    # ``.key-bar--key`` is a part styled once (tui.widgets.shared_styles), not a COMPONENT_CLASS

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.items: tuple[KeyItem, ...] = ()
        self.palette: KeyItem | None = None
        self._spans: list[tuple[int, int, str]] = []  # (first cell, end cell, key) of each key on the line
        self._tooltips: dict[str, str] = {}  # key → what it does (shown while the mouse is over it)
        self._update_asked = False  # an update of the keys waits for the next frame

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self.update_keys()

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        """The bindings may have changed (the focus moved, a feature started or stopped): the
        keys are read again once the frame the change came with is drawn. Reading them asks
        every key's ``check_action`` (~0.3 ms); a step moves the focus and announces new
        bindings about twice, and the keys that apply seldom change while stepping, so the
        step's frame need not wait for them (nor read them twice)."""
        if self.is_attached and screen is self.screen and not self._update_asked:
            self._update_asked = True
            self.call_after_refresh(self._asked_update)

    def _asked_update(self) -> None:
        self._update_asked = False
        if self.is_attached:
            self.update_keys()

    def update_keys(self) -> None:
        """Recompute the keys that apply; redraw only if they changed."""
        app = self.app
        active = self.screen.active_bindings
        items: list[KeyItem] = []
        seen: set[str] = set()
        tooltips: dict[str, str] = {}
        for _node, binding, enabled, tooltip in active.values():
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            if tooltip:
                tooltips[binding.key] = tr(tooltip)
            items.append((binding.key, app.get_key_display(binding), ascii_shown(tr(binding.description)), enabled))
        palette = None
        if app.ENABLE_COMMAND_PALETTE and app.COMMAND_PALETTE_BINDING in active:
            _node, binding, enabled, tooltip = active[app.COMMAND_PALETTE_BINDING]
            palette = (binding.key, app.get_key_display(binding), ascii_shown(tr(binding.description)), enabled)
            if tooltip:
                tooltips[binding.key] = tr(tooltip)
        self._tooltips = tooltips
        if tuple(items) != self.items or palette != self.palette:
            self.items = tuple(items)
            self.palette = palette
            self.refresh()

    @property
    def text(self) -> str:
        """The bar as plain text (the tests read it)."""
        return self.render().plain

    KEEP = ("question_mark", "q")  # help and quit stay when the line is too short for all keys

    def _fitting(self, room: int) -> tuple[KeyItem, ...]:
        """The items that fit in ``room`` cells: others go from the right, help and quit stay."""
        items = list(self.items)

        def width(chosen: list[KeyItem]) -> int:
            return sum(cell_len(shown) + cell_len(description) + 3 for _key, shown, description, _on in chosen)

        while items and width(items) > room:
            droppable = [i for i, item in enumerate(items) if item[0] not in self.KEEP]
            if not droppable:
                break
            del items[droppable[-1]]
        return tuple(items)

    def render(self) -> Text:
        key_style = part_style(self, "key-bar--key")
        out = Text(no_wrap=True, overflow="crop", end="")
        spans: list[tuple[int, int, str]] = []
        items = self.items
        if self.palette is not None and self.size.width:
            items = self._fitting(self.size.width - cell_len(self.palette[1]) - cell_len(self.palette[2]) - 3)
        for key, shown, description, enabled in items:  # spans in cells: a CJK character takes two
            start = out.cell_len
            out.append(f" {shown} ", key_style if enabled else key_style + Style(dim=True))
            out.append(f"{description} ", "" if enabled else "dim")
            spans.append((start, out.cell_len, key))
        if self.palette is not None:
            key, shown, description, _enabled = self.palette
            tail = Text.assemble((ascii_shown("▏"), "dim"), (f"{shown}", key_style), f" {description} ")
            width = self.size.width
            if width:  # the palette's key stays on the right; the keys are cropped before it
                room = max(width - tail.cell_len, 0)
                if out.cell_len > room:
                    out.truncate(room)
                out.pad_right(room - out.cell_len)
            start = out.cell_len
            out.append_text(tail)
            spans.append((start, out.cell_len, key))
        self._spans = spans
        return out

    def on_mouse_move(self, event: events.MouseMove) -> None:
        """The tooltip says what the key under the mouse does (its row's text in ``tui.bindings``)."""
        key = next((key for start, end, key in self._spans if start <= event.x < end), None)
        tooltip = self._tooltips.get(key) if key is not None else None
        if tooltip != self.tooltip:
            self.tooltip = tooltip

    def on_click(self, event: events.Click) -> None:
        x = event.x
        for start, end, key in self._spans:
            if start <= x < end:
                self.app.simulate_key(key)
                return

    def on_resize(self) -> None:
        self.refresh()
