"""Grade a submission against the key (contract §7): the exact values come from the
key's variant, never from the submission; a value is right within the key's tolerance;
a wrong value that follows from the student's own earlier answers earns the key's
partial credit (error carried forward); any other wrong value is diagnosed by the
learner's slip diagnosis; a submission whose network, numbers or asked values differ
from its variant is ``tampered`` and scores 0.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from core.engine.scenario import Scenario
from core.engine.stepper import Stepper
from core.errors import CnnTuiError
from core.i18n import tr
from core.learner.diagnosis import diagnose
from core.scenario.load import load_scenario
from core.teacher.carry import value_in, walk
from core.teacher.key import Key
from core.teacher.variants import digest

MISSING = "missing"
SAVED_AFTER = 3  # a file saved after this many whole iterations in the TUI still matches its variant


@dataclass(frozen=True)
class Graded:
    """One asked value: the student's (``expected``, None if missing) against the exact one."""

    name: str
    expected: float | None
    actual: float
    ok: bool
    credit: float
    diagnosis: str | None = None
    explanation: str | None = None
    carried_forward: bool = False

    def as_json(self) -> dict[str, object]:
        doc: dict[str, object] = {"name": self.name, "expected": self.expected, "actual": self.actual,
                                  "ok": self.ok, "diagnosis": None if self.ok else self.diagnosis,
                                  "credit": _number(self.credit)}
        if self.carried_forward:
            doc["carried_forward"] = True
        return doc


@dataclass
class StudentResult:
    id: str
    file: str
    max: int
    tampered: bool = False
    error: str | None = None
    answers: list[Graded] = field(default_factory=list)

    @property
    def score(self) -> float:
        if self.tampered or self.error is not None:
            return 0.0
        return sum(a.credit for a in self.answers)

    def as_json(self) -> dict[str, object]:
        doc: dict[str, object] = {"id": self.id, "file": self.file, "score": _number(self.score), "max": self.max,
                                  "tampered": self.tampered, "answers": [a.as_json() for a in self.answers]}
        if self.error is not None:
            doc["error"] = self.error
        return doc


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else round(value, 4)


def grade_file(key: Key, key_file: str, path: str | Path) -> StudentResult:
    """Grade one submitted file (a broken or foreign file gives a result with ``error``)."""
    path = Path(path)
    shown = path.name
    try:
        submitted = load_scenario(path)
    except CnnTuiError as err:
        return StudentResult("?", shown, 0, error=str(err))
    exercise = submitted.exercise
    if exercise is None or exercise.id not in key.students:
        error = (tr("{file}: not a student file of this exercise (it has no exercise block)", file=shown)
                 if exercise is None else
                 tr("{file}: not a student file of this exercise (it is for '{id}', who is not in this key)",
                    file=shown, id=exercise.id))
        return StudentResult(exercise.id if exercise else "?", shown, 0, error=error)
    entry = key.students[exercise.id]
    variant = entry.scenario(key_file)
    assert variant.exercise is not None
    asked = variant.exercise.ask
    result = StudentResult(exercise.id, shown, len(asked), tampered=not _same_variant(variant, submitted))
    answers = {name: e.value for name, e in submitted.expected.items() if name in asked}
    result.answers = grade_answers(key, variant, answers)
    return result


def grade_class(key: Key, key_file: str, paths: list[str]) -> tuple[list[StudentResult], list[str]]:
    """Every submission graded in the order given, and notes: the key itself is skipped, and
    a second file for the same student is listed with an error (only the first counts)."""
    import os

    key_real = os.path.realpath(key_file)
    results: list[StudentResult] = []
    notes: list[str] = []
    first: dict[str, str] = {}
    for path in paths:
        if os.path.realpath(path) == key_real:
            notes.append(tr("skipped {file}: it is the key", file=Path(path).name))
            continue
        result = grade_file(key, key_file, path)
        if result.error is None and result.id in first:
            result = StudentResult(result.id, result.file, result.max,
                                   error=tr("{file}: a second file for {id} (the first, {first}, is the one "
                                            "graded)", file=result.file, id=result.id, first=first[result.id]))
        elif result.error is None:
            first[result.id] = result.file
        results.append(result)
    return results, notes


def _same_variant(variant: Scenario, submitted: Scenario) -> bool:
    """The submission is its variant, as handed out or as the TUI saves it after whole
    iterations (the parameters then updated by the exact rule)."""
    theirs = digest(submitted)
    if theirs == digest(variant):
        return True
    stepper = Stepper(variant)
    for _ in range(SAVED_AFTER):
        stepper.run_iteration()
        later = stepper.current_scenario()
        later.exercise = variant.exercise
        if digest(later) == theirs:
            return True
    return False


def grade_answers(key: Key, variant: Scenario, answers: dict[str, float]) -> list[Graded]:
    """Every asked value of ``variant`` against the student's ``answers`` (name → value)."""
    assert variant.exercise is not None
    stepper = Stepper(variant)
    stepper.run_iteration()
    tol = key.tolerance
    batch = variant.batch_size
    exact = {name: stepper.value(name) for name in variant.exercise.ask}
    right = {n: v for n, v in answers.items() if tol.matches(v, exact[n])}
    rounding = walk(variant, right)  # the right answers carried along: rounding drift
    carried = walk(variant, answers)  # every answer carried along: error carried forward
    out: list[Graded] = []
    for name, actual in exact.items():
        given = answers.get(name)
        if given is None:
            out.append(Graded(name, None, actual, False, 0.0, MISSING, tr("no answer was given")))
            continue
        if name in right or tol.matches(given, value_in(rounding, name, batch)):
            out.append(Graded(name, given, actual, True, 1.0))
            continue
        follows = value_in(carried, name, batch)
        if tol.matches(given, follows) and not tol.matches(follows, actual):
            out.append(Graded(name, given, actual, False, key.carried_forward, None,
                              tr("follows correctly from your own earlier value(s)"), carried_forward=True))
            continue
        slip = diagnose(stepper, name, given, tol.decimals_at(actual))
        out.append(Graded(name, given, actual, False, 0.0, slip.slip if slip else None,
                          slip.explanation if slip else None))
    return out
