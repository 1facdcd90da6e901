"""The status line: scenario, iteration, sample, phase, loss, learning rate, precision."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

from core.ascii_text import ascii_mode
from core.i18n import tr
from core.numbers import fmt
from core.text import visible
from tui.ascii_view import SpelledStatic

if TYPE_CHECKING:
    from core.engine.stepper import Stepper


def status_text(stepper: Stepper, decimals: int, quiz: str = "", loss_hidden: bool = False,
                asked: str | None = None, exercise: str = "") -> Text:
    """One line, e.g. ``forward 2/4: pool · loss · · iteration 1 · sample 1/1 · α 0.5 · tiny-cnn``.

    Hand-rounding is always marked (a badge after the phase), and so is a session that differs
    from its file (``[unsaved]``: stepping into iteration 2 is not an edit, but it changes the
    weights a save would write); ``quiz`` is the score of a
    running quiz, and ``loss_hidden`` keeps the loss a question until it is answered; ``asked``
    (the quiz's question) replaces the phase, which the quiz has already stepped past;
    ``exercise`` is a student file's progress (``s01: 7 of 10 answered``)."""
    samples = stepper.sample_indices()
    count = len(stepper.state.samples)
    shown = ", ".join(str(i + 1) for i in samples[:4]) + ("…" if len(samples) > 4 else "")
    loss = stepper.array("loss")
    parts = [
        (tr("loss "), ("." if ascii_mode() else "·") if loss is None or loss_hidden else fmt(float(loss), decimals)),
        (tr("iteration "), f"{stepper.iteration}"),
        (tr("sample ") if len(samples) == 1 else tr("samples "), f"{shown}/{count}"),
        ("α ", fmt(stepper.scenario.learning_rate, None)),
    ]
    out = Text(no_wrap=True, overflow="ellipsis")
    out.append(tr("quiz: {asked} = ?", asked=asked) if asked else stepper.phase().describe(), style="bold reverse")
    if stepper.hand_rounding is not None:
        out.append(" ")
        out.append(tr(" HAND-ROUNDING {n}dp ", n=stepper.hand_rounding), style="bold black on yellow")
    if quiz:
        out.append(" ")
        out.append(tr(" QUIZ {score} ", score=quiz), style="bold black on cyan")
    if exercise:
        out.append(" ")
        out.append(tr(" EXERCISE {progress} ", progress=visible(exercise)), style="bold black on green")
    if stepper.edited:  # differs from the file (an edit, a step into a later iteration, training)
        out.append(tr(" [unsaved]"), style="italic")
    for label, value in parts:
        out.append("  ·  ", style="dim")
        out.append(label, style="dim")
        out.append(value)
    out.append("  ·  ", style="dim")
    out.append(visible(stepper.scenario.name), style="bold")  # last: the line may be cut in its name
    return out


class StatusLine(SpelledStatic):
    """The top line of the main screen."""

    _shown: Text | None = None  # the line it shows

    def show(self, stepper: Stepper, decimals: int, quiz: str = "", loss_hidden: bool = False,
             asked: str | None = None, exercise: str = "") -> None:
        text = status_text(stepper, decimals, quiz, loss_hidden, asked, exercise)
        if text != self._shown:  # the same line again (a step shows it first, then the view): no repaint
            self._shown = text
            self.update(text, layout=False)  # one line always
