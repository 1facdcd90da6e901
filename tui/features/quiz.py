"""Quiz mode (Q): the next values are hidden and the learner types them.

The ``core.learner.quiz.Quiz`` steps the stepper and decides right or wrong; this feature
mounts the answer bar, asks, shows verdicts and holds back the keys that would step,
edit or undo under the quiz.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text

from core.errors import CnnTuiError
from core.i18n import tr
from core.numbers import fmt
from tui.bindings import key_for
from tui.features.base import Feature
from tui.widgets.panels.layer_rows import LOSS
from tui.widgets.quiz.quiz_text import append_verdict, quiz_text, scope_text, score_text

if TYPE_CHECKING:
    from core.learner.quiz import Answer, Quiz
    from tui.widgets.derivation.derivation_view import DerivationView

# what still works while a quiz runs (anything else would step, edit or undo under it)
QUIZ_KEYS = frozenset({"quiz", "help", "quit", "more_decimals", "fewer_decimals", "full_precision", "jacobian",
                       "save", "save_as", "gradient_check", "toggle_heatmap", "messages"})


class QuizFeature(Feature):
    """The quiz: its scope dialog, the answer bar, the score."""

    ACTIONS: ClassVar[frozenset[str]] = frozenset({"quiz"})

    quiz: Quiz | None = None
    last: Answer | None = None
    number: int = 0

    # --- what the screen asks ------------------------------------------------------
    def blocks(self, action: str) -> str | None:
        if self.quiz is None or action in QUIZ_KEYS:
            return None
        return tr("the quiz is stepping for you: type the value in the answer box ({key} goes back "
                  "to it), escape leaves the quiz", key=key_for("quiz"))

    def hidden(self) -> frozenset[str]:
        """The names the grids must not show yet."""
        return frozenset(self.quiz.hidden) if self.quiz is not None else frozenset()

    def asked(self) -> str | None:
        return self.quiz.current if self.quiz is not None else None

    def status(self) -> dict[str, Any]:
        if self.quiz is None:
            return {}
        return {"quiz": f"{score_text(self.quiz)} · Q{self.number}", "loss_hidden": "loss" in self.quiz.hidden,
                "asked": self.quiz.current}

    def panel(self) -> str | None:
        """The panel of the value asked now (the stepper is already past it)."""
        current = self.asked()
        if current is None:
            return None
        head = current.split("[")[0]
        return head.split(".")[0] if "." in head else (LOSS if head == "loss" else None)

    def show_question(self, view: DerivationView) -> None:
        """While the selected value is a question, the panel asks it instead of deriving it."""
        host = self.host
        if self.quiz is None:
            return
        if host.selected == self.quiz.current or host.selected in self.hidden():
            view.body.update(quiz_text(host.stepper, self.quiz, self.last, host.decimals))

    # --- Q --------------------------------------------------------------------------
    def action_quiz(self) -> None:
        host = self.host
        if self.quiz is not None:
            self._ask()
            host.say(tr("quiz: {name} = ? — type it below (escape leaves the quiz)", name=self.quiz.current))
            return
        from tui.screens.quiz_screen import QuizScreen

        layers = [layer.name for layer in host.stepper.network.layers]
        host.ask(QuizScreen(layers, host.stepper.phase().describe()), self._chosen)

    async def _chosen(self, scope: tuple[str | None, str] | None) -> None:
        host = self.host
        if scope is None:
            host.say(tr("quiz cancelled"))
            return
        from core.learner.quiz import Quiz

        layer, kinds = scope
        try:
            quiz = Quiz(host.stepper, layer=layer, kinds=kinds)
        except (CnnTuiError, KeyError) as err:
            host.say(tr("no quiz: {reason}", reason=err), error=True)
            return
        host.fresh = set()
        if quiz.finished:
            host.refresh_view()
            host.say(tr("nothing to ask about {scope} in this iteration: it is complete "
                        "({key} again starts on the next one)", scope=scope_text(layer, kinds), key=key_for("quiz")))
            return
        self.quiz, self.last, self.number = quiz, None, 1
        await self._mount_bar()
        self._ask()
        host.say(tr("quiz on {scope}: compute {name} and type it; the decimals you type set the tolerance",
                    scope=scope_text(layer, kinds), name=quiz.current))

    async def resume(self, quiz: Quiz, number: int) -> None:
        """Go on with a quiz restored from a recovery journal: its bar, its current question."""
        self.quiz, self.last, self.number = quiz, None, number
        await self._mount_bar()
        self._ask()

    async def _mount_bar(self) -> None:
        """The answer bar, above the message line (its widget is imported with the first quiz)."""
        from tui.widgets.quiz.quiz_bar import QuizBar

        await self.host.mount(QuizBar(), before=self.host.query_one("#message"))

    def _ask(self) -> None:
        """Show the current question: its cell selected with ``?``, the answer box focused."""
        host = self.host
        assert self.quiz is not None and self.quiz.current is not None
        host.refresh_view()
        host.select(self.quiz.current)
        for panel in host.panels:
            if panel.view.locate(self.quiz.current) is not None:
                host.query_one("#panels").scroll_to_widget(panel, animate=False, immediate=True)
        from tui.widgets.quiz.quiz_bar import QuizBar

        host.query_one(QuizBar).ask(self.quiz.current, self.number)
        host.show_derivation()

    # --- the answer bar's messages ------------------------------------------------------
    async def answered(self, text: str) -> None:
        host, quiz = self.host, self.quiz
        if quiz is None or quiz.current is None:
            return
        name = quiz.current
        try:
            answer = quiz.answer(text)
        except (ValueError, CnnTuiError) as err:
            host.say(f"{name}: {err}", error=True)
            return
        self.last = answer
        host.fresh = {answer.name}
        exact = fmt(answer.exact, host.decimals)
        typed = text.strip().replace("-", "−")
        if answer.right:
            said = tr("✓ {name}: {typed} is right (exact {exact})", name=name, typed=typed,
                      exact=fmt(answer.exact, 8, trim=True))  # never cut mid-exponent
        else:
            slip = f" — {answer.diagnosis.slip}" if answer.diagnosis else ""
            said = tr("✗ {name}: {typed} is wrong, it is {exact}{slip} (the formula with numbers is above)",
                      name=name, typed=typed, exact=exact, slip=slip)
        await self._next(f"{said} · {score_text(quiz)}")

    async def reveal(self) -> None:
        host, quiz = self.host, self.quiz
        if quiz is None:
            return
        name = quiz.skip()
        self.last = None
        host.fresh = {name} if name else set()
        value = fmt(host.stepper.value(name), host.decimals) if name else ""
        await self._next(tr("revealed {name} = {value} (not scored) · {score}", name=name, value=value,
                            score=score_text(quiz)))

    async def leave(self) -> None:
        if self.quiz is not None:
            await self._end(tr("left the quiz: {score}; the values computed so far are shown",
                               score=score_text(self.quiz)))

    async def _next(self, said: str) -> None:
        host, quiz = self.host, self.quiz
        assert quiz is not None
        if quiz.finished:
            last = self.last
            await self._end(tr("{said} · quiz over: {score}", said=said, score=score_text(quiz)))
            if last is not None:
                verdict = Text()
                append_verdict(verdict, last, host.decimals)
                host.set_note(last.name, verdict)
                host.show_derivation()
            return
        self.number += 1
        self._ask()
        host.say(said)

    async def _end(self, said: str) -> None:
        host = self.host
        name = self.quiz.current if self.quiz else None
        self.quiz = None
        for bar in list(host.query("#quiz-bar")):
            await bar.remove()  # awaited: a new quiz may mount its bar (same id) at once
        host.refresh_view()
        if name:
            host.select(name)
        elif host.selected:
            host.select(host.selected)
        host.say(said)
