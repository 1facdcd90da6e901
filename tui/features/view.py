"""How values are shown: decimals, full precision, the Jacobian steps, scrolling, the next ✗."""

from __future__ import annotations

from typing import ClassVar

from core.errors import CnnTuiError
from core.i18n import tr, tr_n
from tui.bindings import key_for
from tui.features.base import Feature
from tui.features.study import reapply_hand_rounding
from tui.widgets.derivation.derivation_view import DerivationView, decimals_words

MAX_DECIMALS = 10


class ViewFeature(Feature):
    """Display keys: + − p j ] [ X."""

    ACTIONS: ClassVar[frozenset[str]] = frozenset({
        "more_decimals", "fewer_decimals", "full_precision", "jacobian", "scroll_down", "scroll_up",
        "next_mismatch"})

    full_precision = False
    show_steps = False  # the softmax + cross-entropy Jacobian steps expanded

    def action_more_decimals(self) -> None:
        self._set_decimals(self.host.decimals + 1)

    def action_fewer_decimals(self) -> None:
        self._set_decimals(self.host.decimals - 1)

    def _set_decimals(self, decimals: int) -> None:
        host = self.host
        if not 0 <= decimals <= MAX_DECIMALS:
            host.say(tr("display precision stays between 0 and {n} decimals", n=MAX_DECIMALS), error=True)
            return
        host.decimals = decimals
        rounding = reapply_hand_rounding(host)
        host.refresh_view()
        host.keep_selection_in_view()
        host.say(tr("showing {decimals}{rounding}", decimals=decimals_words(decimals), rounding=rounding))

    def action_full_precision(self) -> None:
        self.full_precision = not self.full_precision
        self.host.show_derivation()
        self.host.say(tr("derivation in full precision") if self.full_precision
                      else tr("derivation at {decimals}", decimals=decimals_words(self.host.decimals)))

    def action_scroll_down(self) -> None:
        """Page through a derivation taller than its panel (the panel itself takes no focus)."""
        self.host.query_one(DerivationView).scroll_page_down(animate=False)

    def action_scroll_up(self) -> None:
        self.host.query_one(DerivationView).scroll_page_up(animate=False)

    def action_jacobian(self) -> None:
        host = self.host
        name = host.selected or ""
        try:
            from core.explain.explainer import explain

            steps = explain(host.stepper, name, host.decimals).steps if name else ()
        except CnnTuiError:
            steps = ()
        if not steps:
            host.say(tr("the Jacobian steps belong to the output delta of softmax + cross-entropy: select "
                        "its delta (after the first backward step) and press {key}", key=key_for("jacobian")),
                     error=True)
            return
        self.show_steps = not self.show_steps
        host.show_derivation()
        key = key_for("jacobian")  # said, so no earlier error stays on the line
        host.say(tr("the Jacobian derivation of {name} is shown ({key} hides it)", name=name, key=key)
                 if self.show_steps else tr("the Jacobian derivation is hidden ({key} shows it)", key=key))

    def action_next_mismatch(self) -> None:
        from core.learner.checks import run_checks

        host = self.host
        bad = [c.name for c in run_checks(host.stepper, host.stepper.scenario.expected) if not c.ok]
        if not bad:
            host.say(tr("no expected value computed so far is marked ✗"))
            return
        after = bad.index(host.selected) + 1 if host.selected in bad else 0
        host.select(bad[after % len(bad)])
        host.say(tr_n("{n} expected value marked ✗ so far ({key}: next)",
                      "{n} expected values marked ✗ so far ({key}: next)", len(bad), key=key_for("next_mismatch")))
