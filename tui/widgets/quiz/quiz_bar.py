"""Quiz mode on the main screen: the answer bar (what the derivation panel says during a
quiz is ``quiz_text``'s).

The ``core.learner.quiz.Quiz`` steps the stepper and decides right or wrong; the bar only
takes the typed text. Imported when a quiz starts: the main screen takes the bar's messages
by their handlers' names, and the launch does not build its classes.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Input, Label

from core.i18n import mark, tr


class AnswerInput(Input):
    """The learner's answer: enter checks it, ctrl+r reveals it unscored, escape leaves."""

    BINDINGS = [
        Binding("escape", "leave", mark("leave quiz"), tooltip=mark("leave the quiz (the values stay computed)")),
        Binding("ctrl+r", "reveal", mark("reveal"), tooltip=mark("show this value without scoring it")),
    ]

    def __init__(self) -> None:
        super().__init__(placeholder=tr("your value"), compact=True, id="quiz-answer")

    def action_leave(self) -> None:
        self.post_message(QuizBar.LeaveRequested())

    def action_reveal(self) -> None:
        self.post_message(QuizBar.RevealRequested())


class QuizBar(Horizontal):
    """``quiz · conv.net[0,1] = [answer]  enter checks · ctrl+r reveals · escape leaves``."""

    class Answered(Message):
        """enter in the answer box: the text typed."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class LeaveRequested(Message):
        """escape in the answer box."""

    class RevealRequested(Message):
        """ctrl+r in the answer box."""

    def __init__(self) -> None:
        super().__init__(id="quiz-bar")

    def compose(self) -> ComposeResult:
        yield Label("", id="quiz-prompt")
        yield AnswerInput()
        yield Label(tr("enter checks · ctrl+r reveals · escape leaves"), id="quiz-hint")

    @on(Input.Submitted, "#quiz-answer")
    def _answered(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Answered(event.value))

    @property
    def input(self) -> AnswerInput:
        return self.query_one(AnswerInput)

    def ask(self, name: str, number: int) -> None:
        self.query_one("#quiz-prompt", Label).update(f" Q{number} · {name} = ")
        self.input.value = ""
        self.input.focus()
