"""Stepping: forward, backward, update, next, a whole iteration, undo and reset.

The stepper does the work and words what comes next; this feature only runs it, marks
the values a step produced, selects the one a single step computed, and adds the key
that continues (from ``tui.bindings``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from core.engine.quantities import KINDS, parse_name
from core.engine.stepper import Phase, Stepper
from core.errors import CnnTuiError, StepError
from core.i18n import tr
from core.numbers import fmt
from tui.bindings import key_for, short_label
from tui.features.base import Feature

NEXT_ACTION = {"forward": "step_forward", "backward": "step_backward", "update": "update", "done": "step_forward"}


def then_keys(actions: tuple[str, ...]) -> str:
    """What the stepper says can be done instead, as keys: ``; press z (undo) or r (reset)``."""
    if not actions:
        return ""
    keys = [f"{key_for(a)} ({short_label(a)})" for a in actions]
    return tr("; press {keys}", keys=tr(" or ").join(keys))


def last_step(stepper: Stepper, computed: set[str]) -> set[str]:
    """Of what a command computed, what its last single step computed: the update; else the
    backward step of the lowest layer; else the forward step of the highest layer (and the
    loss); with the parameters a new iteration took on. A whole iteration marks its update,
    not every value, so the mark says something."""
    network = stepper.network

    def stage(name: str) -> str:
        ref = parse_name(name)
        kind = KINDS.get(ref.kind)
        if ref.layer is not None and ref.kind in network.state_kinds():
            return "update"
        return kind.stage if kind is not None else "forward"

    def layer_index(name: str) -> int:
        layer = parse_name(name).layer
        return network.index_of(layer) if layer is not None else len(network.layers)

    given = {n for n in computed if stage(n) == "given"}  # parameters taken on from an update stay marked
    for wanted, pick in (("update", None), ("backward", min), ("forward", max)):
        names = {n for n in computed if stage(n) == wanted}
        layers = [layer_index(n) for n in names if parse_name(n).layer is not None]
        if not names:
            continue
        if pick is None or not layers:
            return names | given
        at = pick(layers)
        return {n for n in names if parse_name(n).layer is None or layer_index(n) == at} | given
    return computed


class SteppingFeature(Feature):
    """The keys that move the stepper."""

    ACTIONS: ClassVar[frozenset[str]] = frozenset({
        "step_forward", "forward_all", "step_backward", "backward_all", "update", "step_next",
        "run_iteration", "undo", "reset"})

    def available(self, action: str) -> bool:
        stage = self.host.stepper.phase().stage
        rules = {
            "step_forward": stage in ("forward", "done"),
            "forward_all": stage in ("forward", "done"),
            "step_backward": stage == "backward",
            "backward_all": stage == "backward",
            "update": stage == "update",
            "undo": self.host.stepper.can_undo,
        }
        return rules.get(action, True)

    def next_key(self) -> str:
        """The key of the next step (``f``, ``b`` or ``u``)."""
        return key_for(NEXT_ACTION[self.host.stepper.phase().stage])

    def _step(self, run: Callable[[], str], follow: bool = False) -> None:
        host, st = self.host, self.host.stepper
        before = st.phase()
        values = dict(st.state.values)
        params = {layer: dict(p) for layer, p in st.params.items()}
        try:
            done = run()
        except StepError as err:
            host.say(f"{err}{then_keys(err.then)}", error=True)
            return
        except CnnTuiError as err:
            host.say(str(err), error=True)
            return
        fresh = {k for k, v in st.state.values.items() if values.get(k) is not v}
        fresh |= {f"{layer}.{kind}" for layer, ps in st.params.items() for kind, arr in ps.items()
                  if params.get(layer, {}).get(kind) is not arr}
        host.fresh = last_step(st, fresh)
        host.show_status()  # first, so that its repaint is in the step's first frame
        if follow:
            self._follow(before)
        host.refresh_view()
        host.say(self._update_outcome() if follow and before.stage == "update" else self._outcome(done, fresh))

    def _outcome(self, done: str, fresh: set[str]) -> str:
        """What a step computed; ``done`` is the stepper's words for it (its language, not compared)."""
        shown = sorted(k for k in fresh if k not in ("input", "target"))
        what = ", ".join(shown[:4]) + (tr(" and {n} more", n=len(shown) - 4) if len(shown) > 4 else "")
        return tr("{done}: computed {what} · {where}", done=done, what=what or tr("nothing new"), where=self.where())

    def where(self) -> str:
        """Where the iteration stands and the key that goes on: ``next: backward 2/4: fc (b)``,
        or, once updated, ``iteration 1 is updated · f or space: next iteration``."""
        ph = self.host.stepper.phase()
        if ph.stage == "done":
            return tr("iteration {n} is updated · {keys}", n=self.host.stepper.iteration,
                      keys=self._next_iteration_keys())
        return tr("next: {step} ({key})", step=ph.describe(), key=self.next_key())

    @staticmethod
    def _next_iteration_keys() -> str:
        return tr("{forward} or {next}: next iteration", forward=key_for("step_forward"), next=key_for("step_next"))

    def _update_outcome(self) -> str:
        """``updated 18 of 26 parameters: out.weight[0,0] 0.100 → 0.189 …`` (old → new)."""
        st, decimals = self.host.stepper, self.host.decimals
        changed, total = st.update_changes()
        example = ""
        if changed:
            name = changed[0]
            new = name.replace(".weight", ".new_weight", 1).replace(".bias", ".new_bias", 1)
            if new not in self.host.quiz_hidden():  # an exercise's hidden value is never shown
                example = f"{name} {fmt(st.value(name), decimals)} → {fmt(st.value(new), decimals)}"
        return tr("updated {n} of {total} parameters (new_w, new_b): {example} · {keys}", n=len(changed),
                  total=total, example=example, keys=self._next_iteration_keys())

    def _follow(self, before: Phase) -> None:
        """After a single step, select the value it produced so its derivation shows."""
        host, st = self.host, self.host.stepper
        name = None
        if before.stage in ("forward", "done"):
            layer = st.network.layers[before.step - 1 if before.stage == "forward" else 0].name
            name = "loss" if st.has("loss") and before.step == len(st.network.layers) else f"{layer}.out"
        elif before.stage == "backward" and before.layer is not None:
            layer_obj = st.network.layer(before.layer)
            name = f"{before.layer}.{'delta' if layer_obj.has_net else 'grad_out'}"
        elif before.stage == "update" and host.selected and "." in host.selected:
            layer_name, _, rest = host.selected.partition(".")
            if rest.startswith(("weight", "bias")):
                name = f"{layer_name}.new_{rest}"
        if name:
            host.select(name, redraw=False)  # the step redraws the view next

    def action_step_forward(self) -> None:
        self._step(self.host.stepper.step_forward, follow=True)

    def action_forward_all(self) -> None:
        self._step(self.host.stepper.forward_all)

    def action_step_backward(self) -> None:
        self._step(self.host.stepper.step_backward, follow=True)

    def action_backward_all(self) -> None:
        self._step(self.host.stepper.backward_all)

    def action_update(self) -> None:
        self._step(self.host.stepper.update, follow=True)

    def action_step_next(self) -> None:
        self._step(self.host.stepper.step_next, follow=True)

    def action_run_iteration(self) -> None:
        self._step(self.host.stepper.run_iteration)

    def action_undo(self) -> None:
        host = self.host
        try:
            label = host.stepper.undo()
        except CnnTuiError as err:
            host.say(str(err), error=True)
            return
        host.fresh = set()
        host.refresh_view()
        host.say(tr("undid {step} · {where}", step=label, where=self.where()))

    def action_reset(self) -> None:
        host = self.host

        def reset() -> None:
            host.stepper.reset()
            host.fresh = set()
            host.refresh_view()
            host.say(tr("reset to the scenario as loaded ({key} undoes the reset)", key=key_for("undo")))

        host.confirm_if_edited(tr("Reset to the scenario as loaded? Your edits and steps are undoable with {key}.",
                                  key=key_for("undo")), reset)
