"""A student's exercise file (``exercise:`` in the scenario): the asked values are blanks
to fill with x, the status line counts the answers, and nothing shows an asked value's
exact number (no value, no ✓/✗, no derivation with numbers), nor any value computed after
it, unless the exercise says ``reveal: always``. It holds back the keys that would show or
change them (quiz, export, gradient check, training, editing given values, the next
iteration); the rest of the TUI works as usual.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text

from core.engine.quantities import kind_title, parse_name
from core.errors import CnnTuiError
from core.i18n import tr
from core.teacher.hiding import NOTHING, Hiding, hiding_for
from tui.bindings import key_for
from tui.features.base import Feature

if TYPE_CHECKING:
    from core.engine.scenario import Scenario
    from tui.widgets.derivation.derivation_view import DerivationView

# keys that would show a hidden value or change the exercise's numbers
HIDING_KEYS = frozenset({"quiz", "next_mismatch", "gradient_check", "export", "train", "edit"})
NEXT_ITERATION = frozenset({"step_forward", "forward_all", "step_next", "run_iteration"})
# keys that would change the network, its samples or α: the exercise's numbers would no longer be its own
CHANGING_KEYS = frozenset({"network_editor", "pick_samples", "learning_rate"})


class ExerciseFeature(Feature):
    """The exercise of the scenario on screen, if it is a student's file."""

    _for: Scenario | None = None
    _hiding: Hiding = NOTHING

    @property
    def hiding(self) -> Hiding:
        scenario = self.host.stepper.scenario
        if scenario is not self._for:
            self._for, self._hiding = scenario, hiding_for(scenario)
        return self._hiding

    @property
    def active(self) -> bool:
        return bool(self.hiding.hidden)

    def blocks(self, action: str) -> str | None:
        if not self.active:
            return None
        if action in HIDING_KEYS:
            return tr("not in an exercise: it would show the values you are asked to work out")
        if action in CHANGING_KEYS:
            return tr("not in an exercise: it would change the numbers you are asked to work out")
        if action in NEXT_ITERATION and self.host.stepper.phase().stage == "done":
            return tr("the exercise is this iteration: its update is done ({undo} steps back; {save} saves your "
                      "answers)", undo=key_for("undo"), save=key_for("save"))
        return None

    def hidden(self) -> frozenset[str]:
        return self.hiding.hidden

    def blanks(self) -> tuple[str, ...]:
        return self.hiding.asked if self.active else ()

    def status(self) -> dict[str, Any]:
        if not self.hiding.asked:
            return {}
        scenario = self.host.stepper.scenario
        assert scenario.exercise is not None
        return {"exercise": f"{scenario.exercise.id}: {self.hiding.progress(scenario)}",
                "loss_hidden": "loss" in self.hiding.hidden}

    def progress(self) -> str:
        return self.hiding.progress(self.host.stepper.scenario)

    def show_blank(self, view: DerivationView) -> None:
        """A hidden value's derivation without numbers: its formula, and what to do."""
        name = self.host.selected
        if not self.active or name is None or name not in self.hiding.hidden:
            return
        out = Text(no_wrap=False)
        out.append(name, style="bold")
        out.append(" — " + kind_title(parse_name(name).kind), style="dim")
        from core.explain.explainer import explain  # (not imported for the first frame: issue 15)

        try:
            derivation = explain(self.host.stepper, name)
            out.append(f"\n{derivation.symbol} = {derivation.formula}")
        except CnnTuiError:
            pass  # not computed yet: the formula comes once it is
        asked = name in self.hiding.asked
        mine = self.host.stepper.scenario.expected.get(name)
        if asked:
            out.append(tr("\nAsked in your exercise: work it out by hand; {key} records your answer",
                          key=key_for("my_answer"))
                       + (tr(" (now {answer})", answer=mine.text) if mine else "") + f" · {self.progress()}",
                       style="italic")
        else:
            out.append(tr("\nHidden in your exercise: it comes after a value you are asked to work out."),
                       style="italic dim")
        view.body.update(out)
