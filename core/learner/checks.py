"""Check a learner's ``expected`` values against the exact ones, and diagnose the wrong ones."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from core.engine.scenario import Expected
from core.learner.diagnosis import Diagnosis, diagnose

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
        return self.expected.matches(self.actual)

    def as_json(self) -> dict[str, object]:
        doc: dict[str, object] = {"name": self.name, "expected": self.expected.value, "actual": self.actual,
                                  "ok": self.ok}
        if not self.ok:
            doc["diagnosis"] = self.diagnosis.slip if self.diagnosis else None
        return doc


def make_check(stepper: Stepper, name: str, expected: Expected) -> Check:
    """Compare one expected value with the exact one; diagnose it when it is wrong."""
    actual = stepper.value(name)
    diagnosis = None
    if not expected.matches(actual):
        diagnosis = diagnose(stepper, name, expected.value, expected.decimals)
    return Check(name, expected, actual, diagnosis)


def run_checks(stepper: Stepper, expected: dict[str, Expected]) -> list[Check]:
    """Every expected value whose quantity is computed now, in the file's order."""
    return [make_check(stepper, name, exp) for name, exp in expected.items()
            if stepper.has(name.split("[")[0])]


def check_for(stepper: Stepper, name: str) -> Check | None:
    """The check of one quantity, if the scenario expects a value for it and it is computed."""
    exp = stepper.scenario.expected.get(name)
    if exp is None or not stepper.has(name.split("[")[0]):
        return None
    return make_check(stepper, name, exp)
