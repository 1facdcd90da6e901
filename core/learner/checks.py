"""Check a learner's ``expected`` values against the exact ones, and diagnose the wrong ones.

The rule a learner reads beside every mark (docs/scenario-format.md, *Expected values*): a
value written with d decimals is right (✓) when the exact value rounds to it at d decimals
("0.3846 rounds to 0.385"); it is accepted as close (≈) when it is one unit of its last
decimal away, as rounding an intermediate by hand gives ("0.3846 rounds to 0.385; 0.384 is
within 0.001"); anything further off is wrong (✗), with the slip that reproduces it. ``ok``
(the JSON's) is true for ✓ and ≈.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from core.engine.scenario import Expected
from core.i18n import tr
from core.learner.diagnosis import Diagnosis, diagnose
from core.numbers import fmt, rounded_text

if TYPE_CHECKING:
    from core.engine.stepper import Stepper


@dataclass(frozen=True)
class Check:
    """One expected value beside the exact one; ``ok`` within 10^−decimals as written.

    A wrong value carries the diagnosis of the slip that reproduces it, if one does.
    """

    name: str
    expected: Expected
    actual: float
    diagnosis: Diagnosis | None = None

    @property
    def ok(self) -> bool:
        """Right or close: within one unit of the last decimal written."""
        return self.expected.matches(self.actual)

    @property
    def rounds_to(self) -> str:
        """The exact value rounded to the decimals the learner wrote."""
        return rounded_text(self.actual, self.expected.decimals)

    @property
    def exact_match(self) -> bool:
        """Does the exact value round to the learner's value at the decimals written? (An
        exact value that overflowed to ∞ or NaN rounds to no number a learner writes.)"""
        if not math.isfinite(self.actual):
            return False
        return abs(float(self.rounds_to.replace("−", "-")) - self.expected.value) \
            <= 1e-9 * self.expected.tolerance

    @property
    def mark(self) -> str:
        """✓ right, ≈ close (one unit of the last decimal off), ✗ wrong."""
        return "✓" if self.exact_match else ("≈" if self.ok else "✗")

    @property
    def rule(self) -> str:
        """The rule applied, in a learner's words: ``0.3846 rounds to 0.385``."""
        d = self.expected.decimals
        said = tr("{exact} rounds to {rounded}", exact=rounded_text(self.actual, d + 1), rounded=self.rounds_to)
        if self.exact_match:
            return said
        written = self.expected.text.strip().replace("-", "−")
        if self.ok:
            return tr("{said}; {written} is within {tolerance}, one unit of its last decimal", said=said,
                      written=written, tolerance=fmt(self.expected.tolerance, None))
        return tr("{said}, not {written}", said=said, written=written)

    def as_json(self) -> dict[str, object]:
        doc: dict[str, object] = {"name": self.name, "expected": self.expected.value, "actual": self.actual,
                                  "ok": self.ok}
        if not self.ok:
            doc["diagnosis"] = self.diagnosis.slip if self.diagnosis else None
        return doc


def tally(checks: list[Check]) -> str:
    """``25 of 38 right, 3 close`` (close: one unit of the last decimal off)."""
    right = sum(c.exact_match for c in checks)
    close = sum(c.ok for c in checks) - right
    return tr("{right} of {n} right", right=right, n=len(checks)) + (
        tr(", {close} close (one unit of the last decimal off)", close=close) if close else "")


def make_check(stepper: Stepper, name: str, expected: Expected) -> Check:
    """Compare one expected value with the exact one; diagnose it when it is wrong."""
    actual = stepper.value(name)
    diagnosis = None
    if not expected.matches(actual):
        diagnosis = diagnose(stepper, name, expected.value, expected.decimals)
    return Check(name, expected, actual, diagnosis)


def run_checks(stepper: Stepper, expected: dict[str, Expected]) -> list[Check]:
    """Every expected value of this iteration whose quantity is computed now, in the file's
    order (a file's values are for iteration 1: iteration 2's numbers are not checked
    against them)."""
    return [make_check(stepper, name, exp) for name, exp in expected.items()
            if exp.iteration == stepper.iteration and stepper.has(name.split("[")[0])]


def check_for(stepper: Stepper, name: str) -> Check | None:
    """The check of one quantity, if the scenario expects a value for it in this iteration
    and it is computed."""
    exp = stepper.scenario.expected.get(name)
    if exp is None or exp.iteration != stepper.iteration or not stepper.has(name.split("[")[0]):
        return None
    return make_check(stepper, name, exp)
