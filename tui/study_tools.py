"""Quiz, my answer, hand-rounding, export and gradient check (a mixin of ``CnnTuiApp``).

Kept apart from ``tui/app.py`` (and from ``tui/learner_tools.py``: heatmaps, chart,
training) so the stepping code stays short. Every number and verdict comes from
``core``: ``core.learner.quiz``, ``core.learner.checks``, ``core.exports.formats`` and ``core.learner.gradcheck``; here
they are only asked and shown.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.widgets import Input

from core.errors import CnnTuiError
from core.numbers import as_written, fmt, parse_number, written_decimals
from tui.widgets.answer_editor import AnswerCancelled, AnswerEditor
from tui.widgets.layer_panel import LayerPanel
from tui.widgets.quiz_bar import AnswerInput, QuizBar, append_verdict, quiz_text, scope_text, score_text

if TYPE_CHECKING:
    from core.learner.quiz import Answer, Quiz
    from tui.widgets.derivation_view import DerivationView

# what still works while a quiz runs (anything else would step, edit or undo under it)
QUIZ_KEYS = frozenset({"quiz", "help", "quit", "more_decimals", "fewer_decimals", "full_precision", "jacobian",
                       "save", "save_as", "gradient_check", "toggle_heatmap"})


def _num(value: float) -> str:
    """Ten significant digits with a true minus sign (gradient check)."""
    return f"{value:.10g}".replace("-", "−")


class StudyTools:
    """Quiz mode, the learner's own expected values, hand-rounding, export, gradient check."""

    quiz: Quiz | None = None
    quiz_last: Answer | None = None
    quiz_number: int = 0
    _note: tuple[str, Any, Text] | None = None  # (name, stepper state it belongs to, text)

    # --- hooks used by the app -------------------------------------------------------
    def quiz_hidden(self) -> tuple[frozenset[str], str | None]:
        """The names the grids must not show yet, and the one asked now."""
        if self.quiz is None:
            return frozenset(), None
        return frozenset(self.quiz.hidden), self.quiz.current

    def quiz_status(self) -> dict[str, Any]:
        if self.quiz is None:
            return {}
        return {"quiz": f"{score_text(self.quiz)} · Q{self.quiz_number}", "loss_hidden": "loss" in self.quiz.hidden,
                "asked": self.quiz.current}

    def quiz_blocks(self, action: str) -> bool:
        """During a quiz, say why a key that would step, edit or undo does nothing."""
        if self.quiz is None or action in QUIZ_KEYS:
            return False
        self.say("the quiz is stepping for you: type the value in the answer box (Q goes back to it), "
                 "escape leaves the quiz", error=True)
        return True

    def note_for(self, name: str | None) -> Text | None:
        """Text added below the derivation of ``name`` (a gradient check, a quiz verdict)
        while nothing has changed since it was made."""
        if self._note is None or name != self._note[0] or self._note[1] is not self.stepper.state:
            return None
        return self._note[2]

    def set_note(self, name: str, text: Text) -> None:
        self._note = (name, self.stepper.state, text)

    def quiz_derivation(self, view: DerivationView) -> None:
        """While the selected value is a question, the panel asks it instead of deriving it."""
        if self.quiz is None:
            return
        hidden, current = self.quiz_hidden()
        if self.selected == current or self.selected in hidden:
            view.body.update(quiz_text(self.stepper, self.quiz, self.quiz_last, self.decimals))

    # --- quiz ------------------------------------------------------------------------
    def action_quiz(self) -> None:
        if self.quiz is not None:
            self._ask()
            self.say(f"quiz: {self.quiz.current} = ? — type it below (escape leaves the quiz)")
            return
        from tui.screens.quiz_screen import QuizScreen

        layers = [layer.name for layer in self.stepper.network.layers]
        self.push_screen(QuizScreen(layers, self.stepper.phase().describe()), self._quiz_chosen)

    async def _quiz_chosen(self, scope: tuple[str | None, str] | None) -> None:
        if scope is None:
            self.say("quiz cancelled")
            return
        from core.learner.quiz import Quiz

        layer, kinds = scope
        try:
            quiz = Quiz(self.stepper, layer=layer, kinds=kinds)
        except (CnnTuiError, KeyError) as err:
            self.say(f"no quiz: {err}", error=True)
            return
        self.fresh = set()
        if quiz.finished:
            self.refresh_view()
            self.say(f"nothing to ask about {scope_text(layer, kinds)} in this iteration: it is complete "
                     "(Q again starts on the next one)")
            return
        self.quiz, self.quiz_last, self.quiz_number = quiz, None, 1
        await self.mount(QuizBar(), before=self.query_one("#message"))
        self._ask()
        self.say(f"quiz on {scope_text(layer, kinds)}: compute {quiz.current} and type it; "
                 "the decimals you type set the tolerance")

    def _ask(self) -> None:
        """Show the current question: its cell selected with ``?``, the answer box focused."""
        assert self.quiz is not None and self.quiz.current is not None
        self.refresh_view()
        self.select(self.quiz.current)
        for panel in self.panels:
            if panel.grid.locate(self.quiz.current) is not None:
                self.query_one("#panels").scroll_to_widget(panel, animate=False, immediate=True)
        bar = self.query_one(QuizBar)
        bar.ask(self.quiz.current, self.quiz_number)
        self.show_derivation()

    def on_input_submitted(self, message: Input.Submitted) -> None:
        if isinstance(message.input, AnswerInput):
            message.stop()
            self._quiz_answer(message.value)
        elif isinstance(message.input, AnswerEditor):
            message.stop()
            self._my_answer(message.input, message.value)

    def _quiz_answer(self, text: str) -> None:
        quiz = self.quiz
        if quiz is None or quiz.current is None:
            return
        name = quiz.current
        try:
            answer = quiz.answer(text)
        except (ValueError, CnnTuiError) as err:
            self.say(f"{name}: {err}", error=True)
            return
        self.quiz_last = answer
        self.fresh = {answer.name}
        exact = fmt(answer.exact, self.decimals)
        text = text.strip().replace("-", "−")
        if answer.right:
            said = f"✓ {name}: {text} is right (exact {fmt(answer.exact, 8, trim=True)})"  # never cut mid-exponent
        else:
            slip = f" — {answer.diagnosis.slip}" if answer.diagnosis else ""
            said = f"✗ {name}: {text} is wrong, it is {exact}{slip} (the formula with numbers is above)"
        self._quiz_next(f"{said} · {score_text(quiz)}")

    def on_quiz_bar_reveal_requested(self, message: QuizBar.RevealRequested) -> None:
        quiz = self.quiz
        if quiz is None:
            return
        name = quiz.skip()
        self.quiz_last = None
        self.fresh = {name} if name else set()
        value = fmt(self.stepper.value(name), self.decimals) if name else ""
        self._quiz_next(f"revealed {name} = {value} (not scored) · {score_text(quiz)}")

    def _quiz_next(self, said: str) -> None:
        quiz = self.quiz
        assert quiz is not None
        if quiz.finished:
            last = self.quiz_last
            self._end_quiz(f"{said} · quiz over: {score_text(quiz)}")
            if last is not None:
                verdict = Text()
                append_verdict(verdict, last, self.decimals)
                self.set_note(last.name, verdict)
                self.show_derivation()
            return
        self.quiz_number += 1
        self._ask()
        self.say(said)

    def on_quiz_bar_leave_requested(self, message: QuizBar.LeaveRequested) -> None:
        if self.quiz is not None:
            self._end_quiz(f"left the quiz: {score_text(self.quiz)}; the values computed so far are shown")

    def _end_quiz(self, said: str) -> None:
        name = self.quiz.current if self.quiz else None
        self.quiz = None
        for bar in self.query(QuizBar):
            bar.remove()
        self.refresh_view()
        if name:
            self.select(name)
        elif self.selected:
            self.select(self.selected)
        self.say(said)

    # --- my answer (x) ---------------------------------------------------------------
    def action_my_answer(self) -> None:
        name = self.selected
        # the panel's current view (numbers or heatmap) holds the value: the editor goes over it
        panel = next((p for p in self.panels if name and p.view.locate(name) is not None), None)
        if name is None or panel is None:
            self.say("select a value first, then x to type the value you computed by hand", error=True)
            return
        kind = name.split("[")[0].rpartition(".")[2]
        if kind in ("input", "target", "weight", "bias"):
            self.say(f"{name} is given, not computed: x is for the values you work out by hand "
                     "(enter edits a given value)", error=True)
            return
        old = self.stepper.scenario.expected.get(name)
        panel.start_edit(name, old.text if old else "", AnswerEditor)
        self.say(f"my answer for {name}: your value (its decimals set the tolerance) · enter checks · "
                 "empty removes · escape cancels")

    def _my_answer(self, editor: AnswerEditor, text: str) -> None:
        from core.engine.scenario import Expected
        from core.learner.checks import check_for
        from core.learner.quiz import require_precision

        name = editor.quantity
        written = as_written(text)  # what the file will hold under expected
        try:
            if written:
                expected = Expected(parse_number(written), written_decimals(written), written)
                if self.stepper.has(name.split("[")[0]):  # as precise as the screen shows it
                    require_precision(written, self.stepper.value(name), self.decimals)
                self.stepper.set_expected(name, expected)
            else:
                self.stepper.set_expected(name, None)
        except (ValueError, CnnTuiError) as err:
            self.say(f"{name}: {err}", error=True)
            return
        panel = editor.parent
        editor.remove()
        if isinstance(panel, LayerPanel):
            getattr(panel, "view", panel.grid).focus()
        self.refresh_view()
        if not written:
            self.say(f"removed your answer for {name}")
            return
        check = check_for(self.stepper, name)
        shown = written.replace("-", "−")
        if check is None:
            self.say(f"your {shown} for {name} is kept; it is checked once {name} is computed (saved with s)")
        elif check.ok:
            self.say(f"✓ your {shown} for {name} is right (exact {fmt(check.actual, expected.decimals + 1)}) "
                     "· saved with s under expected")
        else:
            why = (f" · likely slip: {check.diagnosis.slip} (explained below)" if check.diagnosis
                   else " (the derivation below shows the formula with numbers)")
            self.say(f"✗ your {shown} for {name}: the exact value is "
                     f"{fmt(check.actual, expected.decimals + 1)}{why}", error=True)

    def on_answer_cancelled(self, message: AnswerCancelled) -> None:
        self.say(f"my answer for {message.quantity}: cancelled")

    # --- hand-rounding (R) -----------------------------------------------------------
    def action_hand_rounding(self) -> None:
        on = self.stepper.hand_rounding is None
        self.stepper.set_hand_rounding(self.decimals if on else None)
        self.fresh = set()
        self.refresh_view()
        if on:
            self.say(f"hand-rounding on: every value is rounded to {self.decimals} decimals before it is used; "
                     "computed values cleared (R: off)")
        else:
            self.say("hand-rounding off: exact values again; computed values cleared (R: on)")

    def reapply_hand_rounding(self) -> str:
        """After +/−: round to the new decimals (clears the computed values)."""
        if self.stepper.hand_rounding is None or self.stepper.hand_rounding == self.decimals:
            return ""
        self.stepper.set_hand_rounding(self.decimals)
        self.fresh = set()
        return f"; hand-rounding now to {self.decimals} decimals, computed values cleared (z undoes)"

    # --- export (e) ------------------------------------------------------------------
    def action_export(self) -> None:
        from core.exports.formats import export_text

        try:
            export_text(self.stepper, "markdown")
        except CnnTuiError as err:
            self.say(f"nothing to export yet — n completes the iteration ({err})", error=True)
            return
        from tui.screens.export_screen import ExportScreen

        note = (f"hand-rounding is on ({self.stepper.hand_rounding} decimals): the export says so"
                if self.stepper.hand_rounding is not None else "")
        self.push_screen(ExportScreen(self._export_default(), note), self._export_chosen)

    def _export_default(self) -> Path:
        from tui.app import _bundled

        path = self.stepper.scenario.path
        folder = path.resolve().parent if path and not _bundled(path) else Path.cwd()
        stem = path.stem if path else "scenario"
        return folder / f"{stem}-iteration-{self.stepper.iteration}.md"

    def _export_chosen(self, choice: tuple[str, str] | None) -> None:
        if choice is None:
            self.say("export cancelled")
            return
        from core.scenario.save import source_files
        from core.scenario.targets import check_target

        fmt_name, target = choice
        try:  # a bad target is told now, before any question
            checked = check_target(target, reads=source_files(self.stepper.scenario))
        except CnnTuiError as err:
            self.say(f"not exported: {err}", error=True)
            return
        path = checked.given
        if checked.exists:
            self._confirm_if_edited(f"{checked.shown} exists. Overwrite it?",
                                    lambda: self.export_to(fmt_name, path), always=True)
            return
        self.export_to(fmt_name, path)

    def export_to(self, fmt_name: str, path: Path) -> None:
        from core.exports.formats import export_text, write_atomically
        from core.scenario.save import source_files
        from tui.screens.export_screen import NAMES

        try:
            written = write_atomically(path, export_text(self.stepper, fmt_name),
                                       reads=source_files(self.stepper.scenario))
        except CnnTuiError as err:
            self.say(f"not exported: {err}", error=True)
            return
        self.say(f"exported iteration {self.stepper.iteration} as {NAMES[fmt_name]} to {written.resolve()}")

    # --- gradient check (g) ----------------------------------------------------------
    def action_gradient_check(self) -> None:
        from core.learner.gradcheck import gradient_check

        name = self.selected
        if not name:
            self.say("select a weight or bias (or its gradient), then g", error=True)
            return
        hidden, _ = self.quiz_hidden()
        if name in hidden or name.replace(".weight", ".grad_weight").replace(".bias", ".grad_bias") in hidden:
            self.say("not during this question: answer it first", error=True)
            return
        try:
            check = gradient_check(self.stepper, name)
        except CnnTuiError as err:
            text = str(err)
            if "not computed yet" in text:
                text += " — the gradient comes from the backward pass: b steps back to it"
            self.say(f"no gradient check: {text}", error=True)
            return
        self.set_note(name, self._gradcheck_text(check))
        self.show_derivation()
        verdict = "they agree" if check.agrees else "they DISAGREE"
        self.say(f"gradient check of {check.name}: relative error {check.relative_error:.1e}, {verdict}")

    def _gradcheck_text(self, check: Any) -> Text:
        symbol = "w" if ".weight" in check.name else "b"
        out = Text()
        out.append(f"gradient check of {check.name} (g)", style="bold")
        labels = (f"analytic  ∂E/∂{symbol} from backprop", f"numeric   (E({symbol}+h) − E({symbol}−h)) / 2h")
        width = max(map(len, labels)) + 2
        out.append(f"\n  {labels[0].ljust(width)}{_num(check.analytic).rjust(16)}")
        out.append(f"\n  {labels[1].ljust(width)}{_num(check.numeric).rjust(16)}")
        out.append(f"   h = {check.step:g}", style="dim")
        out.append(f"\n  relative error |a − n| / max(|a|, |n|) = {check.relative_error:.1e} ")
        if check.agrees:
            out.append("✓ they agree", style="bold green")
        else:
            out.append("✗ they disagree", style="bold red")
        if self.stepper.hand_rounding is not None:
            out.append("\n  hand-rounding is on: backprop used rounded values, the finite difference exact ones",
                       style="italic dim")
        return out
