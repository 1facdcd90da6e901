"""Check a learner's ``expected`` values against the exact ones."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from core.scenario import Expected

if TYPE_CHECKING:
    from core.stepper import Stepper


@dataclass(frozen=True)
class Check:
    """One expected value beside the exact one; ``ok`` within 10^−decimals as written."""

    name: str
    expected: Expected
    actual: float

    @property
    def ok(self) -> bool:
        return self.expected.matches(self.actual)

    def as_json(self) -> dict[str, object]:
        return {"name": self.name, "expected": self.expected.value, "actual": self.actual,
                "ok": self.ok}


def run_checks(stepper: Stepper, expected: dict[str, Expected]) -> list[Check]:
    """Every expected value whose quantity is computed now, in the file's order."""
    checks = []
    for name, exp in expected.items():
        if stepper.has(name.split("[")[0]):
            checks.append(Check(name, exp, stepper.value(name)))
    return checks


def check_for(stepper: Stepper, name: str) -> Check | None:
    """The check of one quantity, if the scenario expects a value for it and it is computed."""
    exp = stepper.scenario.expected.get(name)
    if exp is None or not stepper.has(name.split("[")[0]):
        return None
    return Check(name, exp, stepper.value(name))
