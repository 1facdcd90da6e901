"""What the derivation panel says during a quiz: the question, the verdict, the formula with
numbers of a wrong answer and the slip that explains it; and the quiz's scope and score.

The ``core.learner.quiz.Quiz`` decides right or wrong; nothing is computed here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

from core.errors import CnnTuiError
from core.i18n import mark, tr
from core.numbers import fmt

if TYPE_CHECKING:
    from core.engine.stepper import Stepper
    from core.learner.quiz import Answer, Quiz

# what a quiz asks, by its kinds (marked messages: shown with tr)
SCOPES = {"all": mark("every value"), "forward": mark("forward values"), "deltas": mark("deltas (∂out and δ)"),
          "gradients": mark("weight and bias gradients"), "updates": mark("updated weights and biases")}


def scope_text(layer: str | None, kinds: str) -> str:
    """``deltas of fc`` / ``every value of this iteration``."""
    what = tr(SCOPES.get(kinds, kinds))
    return tr("{what} of {layer}", what=what, layer=layer) if layer else tr("{what} of this iteration", what=what)


def score_text(quiz: Quiz) -> str:
    return tr("{right}/{asked} right", right=quiz.right, asked=quiz.asked)


def quiz_text(stepper: Stepper, quiz: Quiz, last: Answer | None, decimals: int) -> Text:
    """The derivation panel during a quiz: the verdict on the last answer (with the formula
    with numbers and the diagnosed slip when it was wrong), then the next question."""
    out = Text(no_wrap=False)
    if last is not None:
        append_verdict(out, last, decimals)
    name = quiz.current
    if name is None:
        if last is not None:
            out.append("\n\n")
        out.append(tr("quiz over: {score}", score=score_text(quiz)), style="bold")
        return out
    if last is not None:
        out.append("\n\n")
    out.append(f"{name} = ?", style="bold")
    from core.explain.explainer import explain  # (not imported for the first frame: issue 15)

    try:
        d = explain(stepper, name, decimals)
    except CnnTuiError:
        return out
    out.append(f" — {d.title}", style="dim")
    out.append(f"\n{d.symbol} = {d.formula}")
    out.append("\n  " + tr("compute it from the values shown and type it below; the numbers of the formula "
                            "appear after you answer"), style="italic dim")
    return out


def append_verdict(out: Text, last: Answer, decimals: int) -> None:
    typed = fmt(last.typed, None).replace("−", "−")
    exact = fmt(last.exact, max(decimals, 3) + 1)
    if last.right:
        out.append(tr("✓ {name} = {typed} is right", name=last.name, typed=typed), style="bold green")
        out.append("  " + tr("(exact {exact})", exact=exact), style="dim")
        return
    out.append(tr("✗ {name}: you typed {typed}, the value is {exact}", name=last.name, typed=typed, exact=exact),
               style="bold red")
    for line in last.derivation.lines():
        out.append("\n  " + line)
    if last.diagnosis is not None:
        out.append("\n  " + tr("likely slip: "), style="bold")
        out.append(last.diagnosis.explanation, style="italic")
