"""Hand-rounding (R) and the gradient check (g): the learner's checks on the engine.

Every number and verdict comes from ``core`` (``Stepper.set_hand_rounding``,
``core.learner.gradcheck``); here they are only asked and shown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.cells import cell_len
from rich.text import Text

from core.errors import CnnTuiError
from core.i18n import tr
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
    return tr("; hand-rounding now to {decimals}, computed values cleared ({key} undoes)",
              decimals=decimals_words(host.decimals), key=key_for("undo"))


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
            host.say(tr("{said}; computed values cleared ({key}: off)", said=said, key=key))
        else:
            host.say(tr("hand-rounding off: exact values again; computed values cleared ({key}: on)", key=key))

    def action_gradient_check(self) -> None:
        from core.learner.gradcheck import gradient_check

        host = self.host
        name = host.selected
        if not name:
            host.say(tr("select a weight or bias (or its gradient), then {key}", key=key_for("gradient_check")),
                     error=True)
            return
        hidden = host.quiz_hidden()
        if name in hidden or name.replace(".weight", ".grad_weight").replace(".bias", ".grad_bias") in hidden:
            host.say(tr("not during this question: answer it first"), error=True)
            return
        try:
            check = gradient_check(host.stepper, name)
        except CnnTuiError as err:
            text = str(err)
            if "not computed yet" in text:
                text += tr(" — the gradient comes from the backward pass: {key} steps back to it",
                           key=key_for("step_backward"))
            host.say(tr("no gradient check: {reason}", reason=text), error=True)
            return
        host.set_note(name, self._gradcheck_text(check))
        host.show_derivation()
        verdict = tr("they agree") if check.agrees else tr("they DISAGREE")
        host.say(tr("gradient check of {name}: relative error {error:.1e}, {verdict}", name=check.name,
                    error=check.relative_error, verdict=verdict))

    def _gradcheck_text(self, check: GradientCheck) -> Text:
        symbol = "w" if ".weight" in check.name else "b"
        loss = self.host.stepper.network.loss.symbol  # C or E, as the derivations write it
        out = Text()
        out.append(tr("gradient check of {name} ({key})", name=check.name, key=key_for("gradient_check")),
                   style="bold")
        labels = (tr("analytic  ∂{loss}/∂{w} from backprop", loss=loss, w=symbol),
                  tr("numeric   ({loss}({w}+h) − {loss}({w}−h)) / 2h", loss=loss, w=symbol))
        width = max(map(cell_len, labels)) + 2
        for label, value in zip(labels, (check.analytic, check.numeric)):
            out.append(f"\n  {label}{' ' * (width - cell_len(label))}{_num(value).rjust(16)}")
        out.append(f"   h = {check.step:g}", style="dim")
        out.append(tr("\n  relative error |a − n| / max(|a|, |n|) = {error:.1e} ", error=check.relative_error))
        if check.agrees:
            out.append(tr("✓ they agree"), style="bold green")
        else:
            out.append(tr("✗ they disagree"), style="bold red")
        if self.host.stepper.hand_rounding is not None:
            out.append(tr("\n  hand-rounding is on: backprop used rounded values, the finite difference exact ones"),
                       style="italic dim")
        return out
