"""Hand-rounding (R) and the gradient check (g): the learner's checks on the engine.

Every number and verdict comes from ``core`` (``Stepper.set_hand_rounding``,
``core.learner.gradcheck``); here they are only asked and shown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text

from core.errors import CnnTuiError
from tui.bindings import key_for
from tui.features.base import Feature
from tui.host import StepHost
from tui.widgets.derivation.derivation_view import decimals_words

if TYPE_CHECKING:
    from core.learner.gradcheck import GradientCheck


def _num(value: float) -> str:
    """Ten significant digits with a true minus sign (gradient check)."""
    return f"{value:.10g}".replace("-", "−")


def reapply_hand_rounding(host: StepHost) -> str:
    """After +/−: round to the new decimals (clears the computed values); what to add to the message."""
    st = host.stepper
    if st.hand_rounding is None or st.hand_rounding == host.decimals:
        return ""
    st.set_hand_rounding(host.decimals)
    host.fresh = set()
    return f"; hand-rounding now to {decimals_words(host.decimals)}, computed values cleared ({key_for('undo')} undoes)"


class StudyFeature(Feature):
    """R toggles hand-rounding; g checks a gradient against a finite difference."""

    ACTIONS: ClassVar[frozenset[str]] = frozenset({"hand_rounding", "gradient_check"})

    def action_hand_rounding(self) -> None:
        host = self.host
        on = host.stepper.hand_rounding is None
        said = host.stepper.set_hand_rounding(host.decimals if on else None)
        host.fresh = set()
        host.refresh_view()
        key = key_for("hand_rounding")
        if on:  # the stepper says what it rounds (small values keep 3 significant digits)
            host.say(f"{said}; computed values cleared ({key}: off)")
        else:
            host.say(f"hand-rounding off: exact values again; computed values cleared ({key}: on)")

    def action_gradient_check(self) -> None:
        from core.learner.gradcheck import gradient_check

        host = self.host
        name = host.selected
        if not name:
            host.say(f"select a weight or bias (or its gradient), then {key_for('gradient_check')}", error=True)
            return
        hidden = host.quiz_hidden()
        if name in hidden or name.replace(".weight", ".grad_weight").replace(".bias", ".grad_bias") in hidden:
            host.say("not during this question: answer it first", error=True)
            return
        try:
            check = gradient_check(host.stepper, name)
        except CnnTuiError as err:
            text = str(err)
            if "not computed yet" in text:
                text += (f" — the gradient comes from the backward pass: {key_for('step_backward')} steps "
                         "back to it")
            host.say(f"no gradient check: {text}", error=True)
            return
        host.set_note(name, self._gradcheck_text(check))
        host.show_derivation()
        verdict = "they agree" if check.agrees else "they DISAGREE"
        host.say(f"gradient check of {check.name}: relative error {check.relative_error:.1e}, {verdict}")

    def _gradcheck_text(self, check: GradientCheck) -> Text:
        symbol = "w" if ".weight" in check.name else "b"
        loss = self.host.stepper.network.loss.symbol  # C or E, as the derivations write it
        out = Text()
        out.append(f"gradient check of {check.name} ({key_for('gradient_check')})", style="bold")
        labels = (f"analytic  ∂{loss}/∂{symbol} from backprop",
                  f"numeric   ({loss}({symbol}+h) − {loss}({symbol}−h)) / 2h")
        width = max(map(len, labels)) + 2
        out.append(f"\n  {labels[0].ljust(width)}{_num(check.analytic).rjust(16)}")
        out.append(f"\n  {labels[1].ljust(width)}{_num(check.numeric).rjust(16)}")
        out.append(f"   h = {check.step:g}", style="dim")
        out.append(f"\n  relative error |a − n| / max(|a|, |n|) = {check.relative_error:.1e} ")
        if check.agrees:
            out.append("✓ they agree", style="bold green")
        else:
            out.append("✗ they disagree", style="bold red")
        if self.host.stepper.hand_rounding is not None:
            out.append("\n  hand-rounding is on: backprop used rounded values, the finite difference exact ones",
                       style="italic dim")
        return out
