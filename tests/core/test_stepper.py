"""Issue 2, check 3: phases, step errors, undo, reset, edit and the sample cursor."""

from __future__ import annotations

import numpy as np
import pytest
from fixtures import worked_example as W
from fixtures.helpers import build, run_one_iteration, scenario_text

from core.engine.stepper import Stepper
from core.engine.training import Trainer
from core.errors import EditError, QuantityError, StepError
from core.scenario.load import parse_scenario

BACKWARD_KINDS = ("grad_out", "delta", "grad_weight", "grad_bias")


def worked() -> Stepper:
    return Stepper(parse_scenario(W.YAML))


def snapshot(stepper: Stepper) -> dict:
    st = stepper.state
    return {
        "iteration": st.iteration,
        "phase": stepper.phase().describe(),
        "values": {k: np.array(v, copy=True) for k, v in st.values.items()},
        "params": {layer: {p: v.copy() for p, v in ps.items()} for layer, ps in st.params.items()},
        "x": st.samples.x.copy(),
        "y": st.samples.y.copy(),
        "edited": st.edited,
    }


def assert_same(a: dict, b: dict) -> None:
    assert a["iteration"] == b["iteration"]
    assert a["phase"] == b["phase"]
    assert a["edited"] == b["edited"]
    assert set(a["values"]) == set(b["values"])
    for key in a["values"]:
        np.testing.assert_array_equal(a["values"][key], b["values"][key], err_msg=key)
    assert set(a["params"]) == set(b["params"])
    for layer in a["params"]:
        for p in a["params"][layer]:
            np.testing.assert_array_equal(a["params"][layer][p], b["params"][layer][p])
    np.testing.assert_array_equal(a["x"], b["x"])
    np.testing.assert_array_equal(a["y"], b["y"])


# --- phases ---------------------------------------------------------------------------------

def test_phases_of_one_iteration() -> None:
    s = worked()
    seen = [s.phase().describe()]
    done_steps = []
    while s.phase().stage != "done":
        done_steps.append(s.step_next())
        seen.append(s.phase().describe())
    assert seen == ["forward 1/4: conv", "forward 2/4: pool", "forward 3/4: fc", "forward 4/4: out",
                    "backward 1/4: out", "backward 2/4: fc", "backward 3/4: pool", "backward 4/4: conv",
                    "update", "updated"]
    assert done_steps == seen[:-1]


def test_forward_steps_fill_values_in_order() -> None:
    s = worked()
    assert not s.has("conv.out") and not s.has("loss")
    s.step_forward()
    assert s.has("conv.net") and s.has("conv.out") and not s.has("pool.out")
    s.step_forward()
    s.step_forward()
    assert not s.has("out.out") and not s.has("loss")
    s.step_forward()
    assert s.has("out.out") and s.has("loss")  # the loss comes with the last layer
    assert not s.has("out.grad_out")
    s.step_backward()
    assert s.has("out.grad_out") and s.has("out.delta") and s.has("out.grad_weight")
    assert not s.has("fc.grad_out")


@pytest.mark.parametrize("action, stage", [
    ("step_backward", "forward"), ("backward_all", "forward"), ("update", "forward"),
    ("step_forward", "backward"), ("forward_all", "backward"), ("update", "backward"),
    ("step_forward", "update"), ("step_backward", "update"), ("backward_all", "update"),
    ("update", "done"), ("step_backward", "done"),
])
def test_step_errors_in_wrong_phase(action: str, stage: str) -> None:
    s = worked()
    if stage in ("backward", "update", "done"):
        s.forward_all()
    if stage == "backward":
        s.step_backward()
    if stage in ("update", "done"):
        s.backward_all()
    if stage == "done":
        s.update()
    before = snapshot(s)
    depth = len(s._undo)
    with pytest.raises(StepError) as info:
        getattr(s, action)()
    message = str(info.value)
    assert message and "Traceback" not in message
    assert s.phase().describe() in message or stage == "done"
    assert_same(before, snapshot(s))  # a refused step changes nothing
    assert len(s._undo) == depth


def test_step_error_reasons() -> None:
    s = worked()
    with pytest.raises(StepError, match="finish the forward pass"):
        s.step_backward()
    with pytest.raises(StepError, match="cannot update"):
        s.update()
    with pytest.raises(StepError, match="nothing to undo"):
        s.undo()
    s.forward_all()
    with pytest.raises(StepError, match="forward pass is complete"):
        s.step_forward()
    s.backward_all()
    with pytest.raises(StepError, match="backward pass is complete"):
        s.step_backward()
    s.update()
    with pytest.raises(StepError, match="already updated"):
        s.update()
    with pytest.raises(StepError):
        worked().advance_to_next()


def test_value_of_uncomputed_quantity() -> None:
    s = worked()
    with pytest.raises(QuantityError, match="not computed"):
        s.value("fc.delta[0]")
    assert s.array("fc.delta") is None
    with pytest.raises(QuantityError):
        s.value("nosuch.out[0]")
    with pytest.raises(QuantityError):
        s.value("fc.out[2]")
    with pytest.raises(QuantityError):
        s.value("pool.delta[0,0]")


# --- undo and reset ----------------------------------------------------------------------------

def _to(stage: str) -> Stepper:
    s = worked()
    if stage == "mid-forward":
        s.step_forward()
        s.step_forward()
    elif stage == "backward":
        s.forward_all()
    elif stage == "mid-backward":
        s.forward_all()
        s.step_backward()
    elif stage == "update":
        s.forward_all()
        s.backward_all()
    elif stage == "done":
        s.run_iteration()
    return s


UNDO_CASES = [
    ("start", lambda s: s.step_forward()),
    ("mid-forward", lambda s: s.step_forward()),
    ("mid-forward", lambda s: s.forward_all()),
    ("start", lambda s: s.step_next()),
    ("backward", lambda s: s.step_backward()),
    ("mid-backward", lambda s: s.step_backward()),
    ("mid-backward", lambda s: s.backward_all()),
    ("update", lambda s: s.update()),
    ("update", lambda s: s.step_next()),
    ("start", lambda s: s.run_iteration()),
    ("mid-backward", lambda s: s.run_iteration()),
    ("done", lambda s: s.run_iteration()),
    ("done", lambda s: s.step_forward()),
    ("done", lambda s: s.forward_all()),
    ("done", lambda s: s.advance_to_next()),
    ("done", lambda s: s.reset()),
    ("mid-backward", lambda s: s.reset()),
    ("mid-backward", lambda s: s.edit("out.weight[1,1]", 0.7)),
    ("mid-backward", lambda s: s.edit("conv.bias[0]", -1.0)),
    ("mid-backward", lambda s: s.edit("input[0,2]", 0.4)),
    ("mid-backward", lambda s: s.edit("target[0]", 0.0)),
    ("done", lambda s: s.edit("fc.weight[0,1]", 0.0)),
]


@pytest.mark.parametrize("stage, action", UNDO_CASES, ids=[f"{i}-{c[0]}" for i, c in enumerate(UNDO_CASES)])
def test_undo_restores_exactly_the_previous_state(stage, action) -> None:
    s = _to(stage)
    before_state = s.state
    before = snapshot(s)
    depth = len(s._undo)
    action(s)
    assert len(s._undo) == depth + 1  # one command, one undo step
    s.undo()
    assert s.state is before_state
    assert_same(before, snapshot(s))
    assert len(s._undo) == depth


def test_undo_everything_back_to_the_start() -> None:
    s = worked()
    start = snapshot(s)
    count = 0
    while s.iteration < 3:
        s.step_next()
        count += 1
    for _ in range(count):
        s.undo()
    assert_same(start, snapshot(s))
    assert not s.can_undo


def test_reset_returns_to_the_loaded_scenario() -> None:
    s = worked()
    start = snapshot(s)
    s.run_iteration()
    s.advance_to_next()
    s.edit("fc.bias[1]", 2.0)
    s.forward_all()
    s.reset()
    assert_same(start, snapshot(s))
    assert not s.edited


# --- edit clears exactly the dependent values ---------------------------------------------------

def test_edit_output_weight_mid_backward() -> None:
    s = worked()
    s.forward_all()
    s.step_backward()
    s.step_backward()
    kept = {k: s.state.values[k] for k in ("input", "target", "conv.net", "conv.out", "pool.out", "fc.net",
                                             "fc.out")}
    s.edit("out.weight[0,0]", 0.4)
    assert s.phase().describe() == "forward 4/4: out"
    for key, arr in kept.items():
        assert s.state.values[key] is arr, key  # kept as they were
    assert set(s.state.values) == set(kept)  # out's forward, the loss and the whole backward are gone
    assert s.edited
    assert s.value("out.weight[0,0]") == 0.4
    assert s.value("out.weight[0,1]") == 0.2


def test_edit_first_layer_clears_the_whole_forward() -> None:
    s = worked()
    s.run_iteration()
    s.edit("conv.weight[1,0,2]", 0.9)
    assert s.phase().describe() == "forward 1/4: conv"
    assert set(s.state.values) == {"input", "target"}


def test_edit_target_keeps_the_forward_pass() -> None:
    s = worked()
    s.forward_all()
    s.backward_all()
    forward = {k: v for k, v in s.state.values.items() if k.split(".")[-1] in ("net", "out")}
    message = s.edit("target[0]", 0.25)
    assert "loss" in message
    assert s.phase().describe() == "forward 4/4: out"
    for key, arr in forward.items():
        assert s.state.values[key] is arr
    assert "loss" not in s.state.values
    assert not any(k.split(".")[-1] in BACKWARD_KINDS for k in s.state.values)
    np.testing.assert_array_equal(s.array("target"), [0.25, 0.0])
    # the next forward step computes only the loss, with the new target
    s.step_forward()
    assert s.state.values["out.out"] is forward["out.out"]
    assert s.value("loss") == pytest.approx(-0.25 * np.log(W.VALUES["out.out"][0]), abs=1e-6)
    assert s.phase().describe() == "backward 1/4: out"


def test_edit_input_clears_everything() -> None:
    s = worked()
    s.run_iteration()
    message = s.edit("input[0,1]", 0.5)
    assert "whole forward" in message
    assert set(s.state.values) == {"input", "target"}
    assert s.phase().describe() == "forward 1/4: conv"
    np.testing.assert_array_equal(s.array("input"), [[0.1, 0.5, 0.0, 0.1]])
    s.forward_all()
    assert s.value("conv.net[0,0]") == pytest.approx(0.51 + 0.2 * 0.5, abs=1e-15)


@pytest.mark.parametrize("name, value, match", [
    ("out.net[0]", 1.0, "computed"),
    ("loss", 1.0, "computed"),
    ("fc.delta[0]", 1.0, "computed"),
    ("out.weight[2,0]", 1.0, "does not exist"),
    ("out.weight", 1.0, "name one value"),
    ("out.weight[0,0]", float("nan"), "finite"),
    ("out.weight[0,0]", float("inf"), "finite"),
    ("out.weight[0,0]", True, "finite"),
    ("target[0]", 1.5, "0…1"),
    ("target[1]", -0.5, "0…1"),
])
def test_refused_edits(name, value, match) -> None:
    s = worked()
    s.forward_all()
    before = snapshot(s)
    with pytest.raises((EditError, QuantityError), match=match):
        s.edit(name, value)
    assert_same(before, snapshot(s))


def test_backward_uses_the_forward_pass_parameters() -> None:
    """fc.delta is built on out's weights as used forward, not the updated ones (the notes' slip)."""
    s = worked()
    s.run_iteration()
    np.testing.assert_allclose(s.array("fc.delta"), W.VALUES["fc.delta"], atol=1e-6)
    np.testing.assert_array_equal(s.array("out.weight"), W.PARAMS["out"]["weight"])
    assert abs(s.value("fc.delta[0]") - (-0.026)) > 0.01


@pytest.mark.parametrize("name, value", [("out.weight[0,0]", 0.4), ("fc.bias[1]", 0.1),
                                         ("conv.weight[0,0,1]", -0.3), ("input[0,3]", 0.7),
                                         ("target[0]", 0.6)])
def test_edit_mid_backward_then_finish_matches_a_fresh_run(name, value) -> None:
    s = worked()
    s.forward_all()
    s.step_backward()
    s.step_backward()
    s.edit(name, value)
    if name == "target[0]":
        s.edit("target[1]", 0.4)
    s.run_iteration()
    fresh = worked()
    fresh.edit(name, value)
    if name == "target[0]":
        fresh.edit("target[1]", 0.4)
    fresh.run_iteration()
    assert set(s.state.values) == set(fresh.state.values)
    for key in s.state.values:
        np.testing.assert_array_equal(s.state.values[key], fresh.state.values[key], err_msg=key)


def test_edit_after_update_uses_edited_parameter_not_updated_one() -> None:
    s = worked()
    s.run_iteration()
    s.edit("out.bias[0]", 1.0)
    assert s.phase().describe() == "forward 4/4: out"
    s.run_iteration()
    assert s.iteration == 1
    assert s.value("out.bias[0]") == 1.0
    assert s.value("out.weight[0,0]") == 0.1  # not out.new_weight: the iteration was redone
    assert s.value("out.new_bias[0]") == pytest.approx(1.0 - 0.5 * s.value("out.delta[0]"), abs=1e-15)


# --- iterations and the sample cursor ------------------------------------------------------------

def cursor_scenario(batch_size: int, count: int):
    rng = np.random.default_rng(11)
    samples = [{"x": rng.normal(size=(1, 4)).round(3).tolist(), "label": int(i % 2)} for i in range(count)]
    layers = [{"type": "conv1d", "filters": 2, "kernel": 2, "activation": "tanh"},
              {"type": "dense", "units": 2, "activation": "softmax"}]
    return build(scenario_text([1, 4], layers, "cross_entropy", samples, 0.5, batch_size, seed=1))


@pytest.mark.parametrize("batch_size, count", [(1, 1), (1, 3), (2, 3), (3, 3), (2, 5), (4, 3)])
def test_sample_cursor_wraps(batch_size, count) -> None:
    scenario = cursor_scenario(batch_size, count)
    s = Stepper(scenario)
    trainer = Trainer(scenario)
    for k in range(1, 6):
        want = [((k - 1) * batch_size + j) % count for j in range(batch_size)]
        assert s.iteration == k
        assert s.sample_indices() == want
        x = s.batched("input")
        np.testing.assert_array_equal(x, scenario.samples.x[want])
        np.testing.assert_array_equal(s.batched("target"), scenario.samples.y[want])
        tx, ty = trainer.batch(k)
        np.testing.assert_array_equal(tx, x)
        np.testing.assert_array_equal(ty, scenario.samples.y[want])
        s.run_iteration()
        s.advance_to_next()


def test_iteration_two_uses_updated_parameters_and_next_sample() -> None:
    scenario = cursor_scenario(2, 3)
    s = Stepper(scenario)
    s.run_iteration()
    new = {layer: {p: s.array(f"{layer}.new_{p}") for p in ("weight", "bias")} for layer in ("conv1d1", "dense1")}
    loss1 = s.value("loss")
    s.step_forward()  # from "updated", a forward step starts iteration 2
    assert s.iteration == 2
    assert s.sample_indices() == [2, 0]
    assert s.phase().describe() == "forward 2/2: dense1"
    for layer, ps in new.items():
        for p, v in ps.items():
            np.testing.assert_array_equal(s.array(f"{layer}.{p}"), v)
    assert not s.has("conv1d1.grad_weight") and not s.has("dense1.new_weight")
    s.run_iteration()
    # the same as a fresh stepper whose scenario starts from the updated parameters on samples 2, 0
    fresh_scenario = scenario.copy()
    fresh_scenario.params = new
    fresh_scenario.samples = type(scenario.samples)(scenario.samples.x[[2, 0]], scenario.samples.y[[2, 0]])
    fresh = run_one_iteration(fresh_scenario)
    assert s.value("loss") == fresh.value("loss") != loss1
    for key in fresh.state.values:
        np.testing.assert_array_equal(s.state.values[key], fresh.state.values[key], err_msg=key)


def test_trainer_continues_like_the_stepper() -> None:
    scenario = cursor_scenario(2, 5)
    s = Stepper(scenario)
    trainer = Trainer(scenario)
    losses = []
    for _ in range(4):
        s.run_iteration()
        losses.append(s.value("loss"))
        s.advance_to_next()
    assert [trainer.step() for _ in range(4)] == pytest.approx(losses, rel=1e-12)
    for layer, ps in trainer.params.items():
        for p, v in ps.items():
            np.testing.assert_allclose(s.array(f"{layer}.{p}"), v, rtol=1e-12, atol=1e-15)


def test_current_scenario_after_update_has_new_parameters() -> None:
    s = worked()
    s.run_iteration()
    current = s.current_scenario()
    for layer in W.PARAM_LAYERS:
        np.testing.assert_array_equal(current.params[layer]["weight"], s.array(f"{layer}.new_weight"))
    # the stepper's own scenario is untouched
    np.testing.assert_array_equal(s.scenario.params["out"]["weight"], W.PARAMS["out"]["weight"])


def test_edit_input_of_the_second_sample_in_a_batch() -> None:
    scenario = cursor_scenario(2, 3)
    s = Stepper(scenario)
    s.run_iteration()
    s.advance_to_next()  # iteration 2 uses samples 2, 0
    s.edit("input[1,0,3]", 5.0)
    assert s.state.samples.x[0, 0, 3] == 5.0
    assert s.batched("input")[1, 0, 3] == 5.0
    assert scenario.samples.x[0, 0, 3] != 5.0  # the scenario as loaded is untouched
    s.edit("target[0,1]", 0.0)
    s.edit("target[0,0]", 1.0)
    assert list(s.state.samples.y[2]) == [1.0, 0.0]
    assert s.state.samples.labels[2] == -1
    s.run_iteration()
    fresh = scenario.copy()
    fresh.params = {layer: dict(ps) for layer, ps in s.params.items()}
    x = scenario.samples.x[[2, 0]].copy()
    x[1, 0, 3] = 5.0
    fresh.samples = type(scenario.samples)(x, np.array([[1.0, 0.0], scenario.samples.y[0]]))
    ref = run_one_iteration(fresh)
    for key in ref.state.values:
        np.testing.assert_array_equal(s.state.values[key], ref.state.values[key], err_msg=key)


def test_update_changes_names_the_parameters_the_update_moved() -> None:
    from core.engine.stepper import Stepper
    from core.scenario.catalog import load

    stepper = Stepper(load("tiny-cnn"))
    stepper.run_iteration()
    changed, total = stepper.update_changes()
    assert total == 20 and len(changed) == 16  # four conv weights meet zero gradients
    assert changed[0] == "out.weight[0,0]"
    assert "conv.weight[0,0,0]" not in changed and "conv.weight[0,0,2]" in changed
