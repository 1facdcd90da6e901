"""Quiz mode: the learner computes the next values by hand and types them in.

The quiz drives the stepper one step at a time. The values a step computes (those the
quiz's scope selects) become questions, hidden until answered. An answer is right
within the tolerance of the decimals typed (0.706 → within 0.001); a wrong one gets the
formula with numbers and, when a usual slip explains it, the slip's name.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from core.engine.quantities import format_index, kinds_where
from core.engine.stepper import Stepper
from core.errors import CnnTuiError
from core.explain.derivation import Derivation
from core.explain.explainer import explain
from core.i18n import tr, tr_n
from core.learner.diagnosis import Diagnosis, diagnose
from core.numbers import fmt, parse_number, written_decimals

UPDATES = kinds_where(stage="update")  # new_weight, new_bias and the optimizers' state kinds
KIND_GROUPS: dict[str, tuple[str, ...] | None] = {
    "all": None,
    "forward": kinds_where(stage="forward"),  # net, out, loss
    "deltas": kinds_where(stage="backward", per_sample=True),  # grad_out, delta
    "gradients": kinds_where(stage="backward", per_sample=False),  # grad_weight, grad_bias
    "updates": UPDATES,
}


def required_decimals(exact: float, decimals: int) -> int:
    """How many decimals an answer needs: as many as the screen shows for the value
    (``fmt`` without trailing zeros), so typing ``1`` for 0.51 is not "right"."""
    text = fmt(exact, decimals, trim=True)
    return len(text.partition(".")[2])


def require_precision(text: str, exact: float, decimals: int) -> None:
    """ValueError unless ``text`` carries the decimals the value is shown with."""
    needed = required_decimals(exact, decimals)
    typed = written_decimals(text.strip().replace("−", "-"))
    if typed < needed:
        raise ValueError(tr_n("type it to {n} decimal, as precisely as the screen shows it (you typed {typed})",
                              "type it to {n} decimals, as precisely as the screen shows it (you typed {typed})",
                              needed, typed=typed))


@dataclass(frozen=True)
class Answer:
    """The verdict on one typed answer."""

    name: str
    typed: float
    exact: float
    right: bool
    derivation: Derivation
    diagnosis: Diagnosis | None = None


@dataclass
class Quiz:
    """Questions for the rest of the current iteration, in the order they are computed.

    ``layer`` limits the questions to one layer's values; ``kinds`` to one group of
    KIND_GROUPS (deltas, updates, …).
    """

    stepper: Stepper
    layer: str | None = None
    kinds: str = "all"
    max_per_step: int = 64
    pending: list[str] = field(default_factory=list)
    right: int = 0
    asked: int = 0

    def __post_init__(self) -> None:
        if self.kinds not in KIND_GROUPS:
            raise CnnTuiError(tr("unknown quiz kind '{kind}' (expected one of: {kinds})", kind=self.kinds,
                                 kinds=", ".join(KIND_GROUPS)))
        if self.layer is not None:
            self.stepper.network.layer(self.layer)  # KeyError for an unknown layer
        if self.stepper.phase().stage == "done":  # this iteration is complete: quiz the next one
            self.stepper.advance_to_next()
        self._advance()

    @classmethod
    def resume(cls, stepper: Stepper, layer: str | None, kinds: str, pending: list[str], right: int,
               asked: int) -> Quiz:
        """The quiz as a journal left it, on a stepper already replayed to that point: the
        questions still open and the score, without stepping again."""
        if kinds not in KIND_GROUPS:
            raise CnnTuiError(tr("unknown quiz kind '{kind}' (expected one of: {kinds})", kind=kinds,
                                 kinds=", ".join(KIND_GROUPS)))
        quiz = cls.__new__(cls)
        quiz.stepper, quiz.layer, quiz.kinds, quiz.max_per_step = stepper, layer, kinds, cls.max_per_step
        quiz.pending, quiz.right, quiz.asked = [str(n) for n in pending], int(right), int(asked)
        for name in quiz.pending:
            stepper.value(name)  # QuantityError unless each question is computed now
        return quiz

    @property
    def current(self) -> str | None:
        """The value to compute now, or None when the quiz is over."""
        return self.pending[0] if self.pending else None

    @property
    def hidden(self) -> set[str]:
        """Element names whose values the screen must not show yet."""
        return set(self.pending)

    @property
    def finished(self) -> bool:
        return not self.pending

    def answer(self, text: str) -> Answer:
        """Check the typed text against the current question (ValueError if not a number)."""
        name = self.current
        if name is None:
            raise CnnTuiError(tr("the quiz is over"))
        typed = parse_number(text)
        decimals = written_decimals(text.strip().replace("−", "-"))
        exact = self.stepper.value(name)
        require_precision(text, exact, self.stepper.scenario.decimals)
        right = abs(typed - exact) <= 10.0 ** (-decimals) * (1 + 1e-9)
        self.asked += 1
        self.right += right
        derivation = explain(self.stepper, name, self.stepper.scenario.decimals)
        slip = None if right else diagnose(self.stepper, name, typed, decimals)
        self.pending.pop(0)
        if not self.pending:
            self._advance()
        return Answer(name, typed, exact, right, derivation, slip)

    def skip(self) -> str | None:
        """Reveal the current value without scoring it; returns its name."""
        name = self.pending.pop(0) if self.pending else None
        if not self.pending:
            self._advance()
        return name

    def _advance(self) -> None:
        """Step until a step computes something the scope asks about, or the iteration ends."""
        while not self.pending and self.stepper.phase().stage != "done":
            before = set(self.stepper.state.values)
            self.stepper.step_next()
            new = [k for k in self.stepper.state.values if k not in before]
            self.pending = self._questions(new)

    def _questions(self, keys: list[str]) -> list[str]:
        wanted = KIND_GROUPS[self.kinds]
        if self.kinds == "updates":  # the optimizer's state is part of the update
            wanted = (*UPDATES, *self.stepper.network.state_kinds())
        names: list[str] = []
        for key in keys:
            layer, _, kind = key.partition(".")
            if key == "loss":
                layer, kind = "", "loss"
            if self.layer is not None and layer != self.layer:
                continue
            if wanted is not None and kind not in wanted:
                continue
            arr = self.stepper.array(key)
            if arr is None:
                continue
            if np.ndim(arr) == 0:
                names.append(key)
            else:
                names += [key + format_index(tuple(int(i) for i in idx)) for idx in np.ndindex(np.shape(arr))]
        return names[: self.max_per_step]
