"""What a student's file keeps hidden while they work on it (the TUI reads this).

Every value an iteration computes from the first asked one on (in the order it computes
them) is hidden, not only the asked ones: a later value can give an asked one away
(``grad_bias`` is ``delta``), and a value computed earlier never depends on one. Hidden
values show no number, no ✓/✗ and no numbers in their derivation, unless the exercise
says ``reveal: always`` (practice).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from core.engine.quantities import format_index, parse_name
from core.engine.scenario import Scenario
from core.engine.stepper import Stepper


class Hiding(NamedTuple):
    """The names to hide (``hidden``) and the asked ones among them, which get blanks."""

    hidden: frozenset[str]
    asked: tuple[str, ...]

    def answered(self, scenario: Scenario) -> int:
        return sum(1 for name in self.asked if name in scenario.expected)

    def progress(self, scenario: Scenario) -> str:
        """``7 of 10 answered``."""
        return f"{self.answered(scenario)} of {len(self.asked)} answered"


NOTHING = Hiding(frozenset(), ())


def hiding_for(scenario: Scenario) -> Hiding:
    """What to hide for a student file (NOTHING for any other scenario, or for practice)."""
    exercise = scenario.exercise
    if exercise is None:
        return NOTHING
    if not exercise.hides:
        return Hiding(frozenset(), exercise.ask)
    from core.teacher.ask import computed_order  # (and the quiz's kinds): a student file's only

    stepper = Stepper(scenario.copy())
    order = computed_order(stepper)
    asked_arrays = {parse_name(name).array_name for name in exercise.ask}
    first = next((i for i, key in enumerate(order) if key in asked_arrays), len(order))
    hidden: set[str] = set(exercise.ask)
    for key in order[first:]:
        arr = stepper.array(key)
        if arr is None:
            continue
        if np.ndim(arr) == 0:
            hidden.add(key)
        else:
            hidden.update(key + format_index(tuple(int(i) for i in idx)) for idx in np.ndindex(np.shape(arr)))
    return Hiding(frozenset(hidden), exercise.ask)
