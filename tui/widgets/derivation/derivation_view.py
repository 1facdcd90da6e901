"""The derivation panel: where the selected number comes from, as the notes write it.

``symbol = formula``, ``= the formula with numbers``, ``= result``, then the check of a
scenario's expected value, the notes, and on request the softmax + cross-entropy steps.
Everything is text from ``core.explain.explainer``; nothing is computed here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.css.scalar import Scalar, Unit
from textual.geometry import Size

from core.errors import CnnTuiError
from core.i18n import mark, tr, tr_n
from core.numbers import fmt
from tui.ascii_view import SpelledStatic, shown
from tui.bindings import key_for
from tui.widgets.one_frame import NoSecondLayout
from tui.widgets.shared_styles import part_style

if TYPE_CHECKING:
    from core.engine.stepper import Stepper
    from core.explain.trace import Trace


def decimals_words(n: int) -> str:
    """``1 decimal``, ``3 decimals``."""
    return tr_n("{n} decimal", "{n} decimals", n)


def derivation_text(stepper: Stepper, name: str | None, decimals: int, full: bool, steps: bool) -> Text:
    """The panel's content for one quantity name (or a hint when nothing is selected)."""
    if not name:
        return Text(tr("Select a value (arrows, tab or the mouse) to see where it comes from."), style="dim")
    from core.explain.explainer import MAX_TERMS, explain  # the first derivation shown (not the first frame's)

    out = Text(no_wrap=False)
    try:
        d = explain(stepper, name, None if full else decimals, max_terms=None if full else MAX_TERMS)
    except CnnTuiError as err:
        out.append(f"{name}", style="bold")
        out.append(f" — {_not_yet(err, name)}", style="dim")
        _append_check(out, stepper, name, decimals, full)
        return out
    out.append(d.name, style="bold")
    out.append(f" — {d.title}", style="dim")
    for line in d.lines():
        out.append("\n" + line)
    if d.hidden:
        out.append("\n  " + tr("{n} more terms not shown: {key} (full precision) lists every term", n=d.hidden,
                                key=key_for("full_precision")), style="dim")
    _append_check(out, stepper, name, decimals, full)
    for note in d.notes:
        out.append(f"\n  {note}", style="italic dim")
    if d.steps:
        if steps:
            out.append("\n  " + tr("Jacobian derivation ({key} hides it):", key=key_for("jacobian")), style="bold")
            for step in d.steps:
                out.append(f"\n    {step}")
        else:
            out.append("\n  " + tr("{key}: show the softmax + cross-entropy Jacobian derivation",
                                    key=key_for("jacobian")), style="dim")
    return out


def _not_yet(err: CnnTuiError, name: str) -> str:
    text = str(err)
    return text[len(name):].strip() if text.startswith(name) else text


def _append_check(out: Text, stepper: Stepper, name: str, decimals: int, full: bool = False) -> None:
    exp = stepper.scenario.expected.get(name)
    if exp is None:
        return
    from core.learner.checks import check_for  # only a file with expected values needs the checks

    check = check_for(stepper, name)
    written = exp.text.replace("-", "−", 1) if exp.text.startswith("-") else exp.text
    if exp.iteration != stepper.iteration:
        out.append("\n" + tr("expected {value} is for iteration {n} (not checked in this one)", value=written,
                              n=exp.iteration), style="dim")
        return
    if check is None:
        out.append("\n" + tr("expected {value} (not computed yet)", value=written), style="dim")
        return
    exact = fmt(check.actual, None if full else max(decimals, exp.decimals) + 1)
    if check.ok:
        out.append("\n" + tr("expected {value} {mark}", value=written, mark=check.mark), style="bold green")
        out.append(f"  {check.rule}", style="dim")
        if full:
            out.append(" " + tr("(exact {exact})", exact=exact), style="dim")
    else:
        out.append("\n" + tr("expected {value} {mark}", value=written, mark="✗"), style="bold red")
        out.append("  " + tr("— the exact value is {exact} (off by {off})", exact=exact,
                             off=fmt(abs(check.actual - exp.value), exp.decimals + 1)))
        if check.diagnosis is not None:
            out.append("\n  " + tr("likely slip: "), style="bold")
            out.append(check.diagnosis.explanation, style="italic")


# a trace's roles as its lines name them (marked messages: shown with tr)
ROLE_WORDS = {"param": mark("parameters"), "value": mark("values"), "gradient": mark("gradients"),
              "chosen": mark("chosen by the max")}
MAX_NAMED = 8  # names listed per role; the rest are counted


def trace_lines(trace: Trace, style: Callable[[str], Style]) -> Text:
    """The marked values by role, each name in its role's style (the panels' marks)."""
    out = Text()
    groups = trace.by_role()
    key = key_for("trace_direction")
    if not groups:
        if trace.direction == "reads":
            alone = tr("trace: {name} reads no other value (it is given) ({key}: what reads it)",
                       name=trace.name, key=key)
        else:
            alone = tr("trace: {name} is read by no other value ({key}: off)", name=trace.name, key=key)
        out.append(alone, style="dim")
        return out
    total = len(trace.links)
    if trace.direction == "reads":
        head = tr_n("trace ({key}): {name} reads {n} value", "trace ({key}): {name} reads {n} values", total,
                    key=key, name=trace.name)
    else:
        head = tr_n("trace ({key}): {name} read by {n} value", "trace ({key}): {name} read by {n} values",
                    total, key=key, name=trace.name)
    out.append(head, style="bold")
    for role, names in groups.items():
        out.append("\n  " + tr("{role}: ", role=tr(ROLE_WORDS.get(role, role))), style="dim")
        for j, name in enumerate(names[:MAX_NAMED]):
            if j:
                out.append(" ")
            out.append(name, style=style(role))
        if len(names) > MAX_NAMED:
            out.append(" " + tr("… and {n} more", n=len(names) - MAX_NAMED), style="dim")
    return out


class DerivationBody(NoSecondLayout, SpelledStatic):
    """The derivation's text (a longer text changes its virtual size: no second layout)."""


class DerivationView(NoSecondLayout, VerticalScroll):
    """A scrollable box with the derivation of the selected value.

    The box keeps the tallest height it has had (never above its
    ``max-height``): a shorter derivation leaves blank lines rather than giving rows back to
    the panels above, which would otherwise change height, be laid out and drawn again whole
    at most steps. Expanding the Jacobian steps (a larger ``max-height``) and closing them
    again starts the reserve over, as does a new screen size (``MainScreen.on_resize``) or
    a new session.
    """

    # its trace styles (app.tcss: derivation--trace-param, -value, -gradient, -chosen) are parts
    # styled once (tui.widgets.shared_styles), not COMPONENT_CLASSES restyled at every focus change

    def __init__(self) -> None:
        super().__init__(id="derivation")
        self.body = DerivationBody(id="derivation-body", formula=True)  # ASCII with --ascii
        self.border_title = shown(tr("derivation"))
        self.can_focus = False
        self._shown: Text | None = None  # the text the body shows
        self._reserve = 0  # the height kept (0: none yet)

    def compose(self) -> ComposeResult:
        yield self.body

    def on_resize(self, _: object) -> None:
        """Keep the height the box has reached as its least (see the class docstring). The box
        has that height already, so the rule is set without asking for a layout (setting
        ``styles.min_height`` lays out the whole screen again, to find every place unchanged)."""
        height = self.outer_size.height
        if height > self._reserve:
            self._reserve = height
            self.styles.set_rule("min_height", Scalar(float(height), Unit.CELLS, Unit.HEIGHT))

    def release_reserve(self) -> None:
        """Size the box by its text again (back to the stylesheet's ``min-height``)."""
        if self._reserve:
            self._reserve = 0
            self.styles.min_height = None
            self.body.refresh(layout=True)  # to its text's height (it may have kept a taller one)

    def _show_text(self, text: Text) -> None:
        """The body shows ``text``, laid out again only when its height must change: a taller
        text, or any change while the text overflows the box (it scrolls). A shorter text in a
        box that holds it keeps the body's height (its last lines blank, as the box's reserve
        leaves them anyway), so most steps only redraw the body instead of laying out the
        whole screen again."""
        body = self.body
        width = body.content_size.width
        if not (body.is_mounted and width):
            body.update(text)
            return
        before = body.size.height
        body.update(text, layout=False)
        after = self._height_of(width)
        if after > before or (after != before and before > self.scrollable_content_region.height):
            body.refresh(layout=True)

    def _height_of(self, width: int) -> int:
        """The body's height for its text at ``width``: its line count when no line is wider
        (what wrapping gives then, without wrapping), else as Textual lays it out."""
        visual, room = self.body.visual, width - 2 * self.body.styles.line_pad
        if isinstance(visual, Content) and "\t" not in visual.plain:
            lines = visual.plain.split("\n")
            if all(cell_len(line) <= room for line in lines):
                return len(lines)
        nothing = Size(0, 0)
        return self.body.get_content_height(nothing, nothing, width)

    def show(self, stepper: Stepper, name: str | None, decimals: int, full: bool, steps: bool,
             extra: Text | None = None, trace: Trace | None = None) -> None:
        """``extra`` (a gradient check, …) is added below the derivation, then the trace's names."""
        text = derivation_text(stepper, name, decimals, full, steps)
        if extra is not None:
            text.append("\n")
            text.append_text(extra)
        if trace is not None:
            text.append("\n")
            text.append_text(trace_lines(trace, lambda role: part_style(
                self, f"derivation--trace-{role}")))
        if text != self._shown:  # a new text: laid out again only if its height changed
            self._shown = text
            self._show_text(text)
        title = shown(tr("where it comes from"))
        if self.border_title != title:
            self.border_title = title
        if self.has_class("expanded") and not steps:
            self.release_reserve()  # the steps closed: the box may give back their rows
        self.set_class(steps, "expanded")
        p = key_for("full_precision")
        subtitle = shown(tr("full precision ({key})", key=p) if full
                         else tr("{decimals} (+/−, {key}: full)", decimals=decimals_words(decimals), key=p))
        if self.border_subtitle != subtitle:
            self.border_subtitle = subtitle
