"""`cnn-tui exercise` of a scenario whose numbers sit near float64's ends: one message, or
a hand-friendly variant, never a traceback (the grid of tenths overflowed int64, 2·1e308 is ∞)."""

from __future__ import annotations

import numpy as np
import pytest

from core.scenario.catalog import resolve
from core.scenario.load import parse_scenario
from core.teacher.tolerance import Tolerance
from core.teacher.variants import VariantError, make_variant


def _bundled(name: str, old: str, new: str):
    text = resolve(name).read_text(encoding="utf-8")
    assert old in text
    return parse_scenario(text.replace(old, new), file=f"{name}-extreme.yaml")


@pytest.mark.parametrize("x, said", [("[3.0e+200, 0.0]", "0.0 to 3e200"), ("[1.0e+308, -1.0e+308]", "−1e308 to 1e308")])
def test_inputs_too_wide_for_a_grid_of_tenths_are_refused_with_one_message(x: str, said: str) -> None:
    base = _bundled("batchnorm-tiny", "{x: [3.0, 0.0], label: 1}", f"{{x: {x}, label: 1}}")
    with np.errstate(all="ignore"), pytest.raises(VariantError) as caught:
        make_variant(base, 0, "s01", "bn", Tolerance("decimals", 3))
    assert str(caught.value) == (
        f"the inputs of '{base.name}' range from {said}: too wide to draw hand-friendly inputs on a grid "
        "of tenths (every input of an exercise is at most 100)")


def test_weights_at_float64s_largest_still_give_a_hand_friendly_variant() -> None:
    base = _bundled("two-layer-sigmoid", "weight: [[0.40, 0.45], [0.50, 0.55]]",
                    "weight: [[1.7976931348623157e+308, 1.0e+308], [-1.0e+308, 1.0e-323]]")
    with np.errstate(all="ignore"):
        variant = make_variant(base, 0, "s01", "out", Tolerance("decimals", 9))
    drawn = variant.scenario.params["out"]["weight"]
    assert np.all(np.abs(drawn) <= 0.9) and np.all(drawn != 0)  # the one-decimal grid, up to 9 steps
