"""The derivation panel: where the selected number comes from, as the notes write it.

``symbol = formula``, ``= the formula with numbers``, ``= result``, then the check of a
scenario's expected value, the notes, and on request the softmax + cross-entropy steps.
Everything is text from ``core.explain.explainer``; nothing is computed here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll

from core.errors import CnnTuiError
from core.explain.explainer import MAX_TERMS, explain
from core.explain.trace import Trace
from core.learner.checks import check_for
from core.numbers import fmt
from tui.ascii_view import SpelledStatic, shown
from tui.bindings import key_for

if TYPE_CHECKING:
    from core.engine.stepper import Stepper


def decimals_words(n: int) -> str:
    """``1 decimal``, ``3 decimals``."""
    return f"{n} decimal{'' if n == 1 else 's'}"


def derivation_text(stepper: Stepper, name: str | None, decimals: int, full: bool, steps: bool) -> Text:
    """The panel's content for one quantity name (or a hint when nothing is selected)."""
    if not name:
        return Text("Select a value (arrows, tab or the mouse) to see where it comes from.", style="dim")
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
        out.append(f"\n  {d.hidden} more terms not shown: {key_for('full_precision')} (full precision) "
                   "lists every term", style="dim")
    _append_check(out, stepper, name, decimals, full)
    for note in d.notes:
        out.append(f"\n  {note}", style="italic dim")
    if d.steps:
        if steps:
            out.append(f"\n  Jacobian derivation ({key_for('jacobian')} hides it):", style="bold")
            for step in d.steps:
                out.append(f"\n    {step}")
        else:
            out.append(f"\n  {key_for('jacobian')}: show the softmax + cross-entropy Jacobian derivation", style="dim")
    return out


def _not_yet(err: CnnTuiError, name: str) -> str:
    text = str(err)
    return text[len(name):].strip() if text.startswith(name) else text


def _append_check(out: Text, stepper: Stepper, name: str, decimals: int, full: bool = False) -> None:
    exp = stepper.scenario.expected.get(name)
    if exp is None:
        return
    check = check_for(stepper, name)
    written = exp.text.replace("-", "−", 1) if exp.text.startswith("-") else exp.text
    if exp.iteration != stepper.iteration:
        out.append(f"\nexpected {written} is for iteration {exp.iteration} (not checked in this one)", style="dim")
        return
    if check is None:
        out.append(f"\nexpected {written} (not computed yet)", style="dim")
        return
    exact = fmt(check.actual, None if full else max(decimals, exp.decimals) + 1)
    if check.ok:
        out.append(f"\nexpected {written} {check.mark}", style="bold green")
        out.append(f"  {check.rule}", style="dim")
        if full:
            out.append(f" (exact {exact})", style="dim")
    else:
        out.append(f"\nexpected {written} ✗", style="bold red")
        out.append(f"  — the exact value is {exact} (off by {fmt(abs(check.actual - exp.value), exp.decimals + 1)})")
        if check.diagnosis is not None:
            out.append("\n  likely slip: ", style="bold")
            out.append(check.diagnosis.explanation, style="italic")


ROLE_WORDS = {"param": "parameters", "value": "values", "gradient": "gradients", "chosen": "chosen by the max"}
MAX_NAMED = 8  # names listed per role; the rest are counted


def trace_lines(trace: Trace, style: Callable[[str], Style]) -> Text:
    """The marked values by role, each name in its role's style (the panels' marks)."""
    out = Text()
    groups = trace.by_role()
    key = key_for("trace_direction")
    if not groups:
        what = "reads no other value (it is given)" if trace.direction == "reads" else "is read by no other value"
        out.append(f"trace: {trace.name} {what} ({key}: {'what reads it' if trace.direction == 'reads' else 'off'})",
                   style="dim")
        return out
    total = len(trace.links)
    out.append(f"trace ({key}): {trace.name} {trace.direction} {total} value{'s' if total != 1 else ''}",
               style="bold")
    for role, names in groups.items():
        out.append(f"\n  {ROLE_WORDS.get(role, role)}: ", style="dim")
        for j, name in enumerate(names[:MAX_NAMED]):
            if j:
                out.append(" ")
            out.append(name, style=style(role))
        if len(names) > MAX_NAMED:
            out.append(f" … and {len(names) - MAX_NAMED} more", style="dim")
    return out


class DerivationView(VerticalScroll):
    """A scrollable box with the derivation of the selected value."""

    COMPONENT_CLASSES = {"derivation--trace-param", "derivation--trace-value", "derivation--trace-gradient",
                         "derivation--trace-chosen"}

    def __init__(self) -> None:
        super().__init__(id="derivation")
        self.body = SpelledStatic(id="derivation-body", formula=True)  # ASCII with --ascii
        self.border_title = "derivation"
        self.can_focus = False

    def compose(self) -> ComposeResult:
        yield self.body

    def show(self, stepper: Stepper, name: str | None, decimals: int, full: bool, steps: bool,
             extra: Text | None = None, trace: Trace | None = None) -> None:
        """``extra`` (a gradient check, …) is added below the derivation, then the trace's names."""
        text = derivation_text(stepper, name, decimals, full, steps)
        if extra is not None:
            text.append("\n")
            text.append_text(extra)
        if trace is not None:
            text.append("\n")
            text.append_text(trace_lines(trace, lambda role: self.get_component_rich_style(
                f"derivation--trace-{role}", partial=True)))
        self.body.update(text)
        self.border_title = shown("where it comes from")
        self.set_class(steps, "expanded")
        p = key_for("full_precision")
        subtitle = f"full precision ({p})" if full else f"{decimals_words(decimals)} (+/−, {p}: full)"
        self.border_subtitle = shown(subtitle)
