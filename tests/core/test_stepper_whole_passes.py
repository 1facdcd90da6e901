"""The whole-pass commands (F, B, a whole iteration) compute exactly what stepping one layer
at a time computes: they take every missing step in one go (one copy of the values, not one
a layer), and after an edit inside a branch they recompute only the layers it cleared."""

from __future__ import annotations

import numpy as np
import pytest

from core.engine.stepper import Stepper
from core.scenario.catalog import bundled_names, load


def one_at_a_time(stepper: Stepper) -> None:
    """One iteration, a step at a time (once updated, the next iteration's)."""
    stepper.step_next()
    while stepper.phase().stage != "done":
        stepper.step_next()


def assert_same_values(a: Stepper, b: Stepper) -> None:
    assert a.state.values.keys() == b.state.values.keys()
    for key, value in a.state.values.items():
        assert np.array_equal(value, b.state.values[key]), key


@pytest.mark.parametrize("name", bundled_names())
def test_a_whole_iteration_equals_its_single_steps(name: str) -> None:
    whole, single = Stepper(load(name)), Stepper(load(name))
    whole.run_iteration()
    one_at_a_time(single)
    assert_same_values(whole, single)
    assert whole.phase() == single.phase()
    whole.run_iteration()  # the next iteration, from the updated parameters
    one_at_a_time(single)
    assert_same_values(whole, single)


@pytest.mark.parametrize("name", ["residual-block", "tiny-cnn", "dropout-tiny"])
def test_the_whole_passes_after_an_edit_recompute_what_it_cleared(name: str) -> None:
    whole, single = Stepper(load(name)), Stepper(load(name))
    for stepper in (whole, single):
        stepper.run_iteration()
        stepper.undo()  # back to nothing computed
        stepper.forward_all()
        layer = stepper.network.param_layers()[0]
        index = ",".join("0" for _ in layer.param_shapes()["weight"])
        stepper.edit(f"{layer.name}.weight[{index}]", 0.25)
    assert whole.phase().stage == "forward"
    whole.forward_all()
    whole.backward_all()
    while single.phase().stage in ("forward", "backward"):
        single.step_next()
    assert_same_values(whole, single)
    assert whole.phase().stage == single.phase().stage == "update"


def test_the_phase_follows_undo_and_reset() -> None:
    stepper = Stepper(load("tiny-cnn"))
    assert stepper.phase().describe() == "forward 1/4: conv"
    stepper.step_forward()
    assert stepper.phase().describe() == "forward 2/4: pool"
    stepper.undo()
    assert stepper.phase().describe() == "forward 1/4: conv"
    stepper.run_iteration()
    assert stepper.phase().stage == "done"
    stepper.reset()
    assert stepper.phase().describe() == "forward 1/4: conv"
