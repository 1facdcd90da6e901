"""Dropout: masks from the seed and the iteration, out = x·mask/(1 − p), the mask given in
the file or edited, finite differences, PyTorch agreement, evaluation without dropout."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from fixtures.helpers import check_all_gradients, random_samples, scenario_text
from fixtures.torch_scripts import run_script

from core.engine.passes import iteration_given
from core.engine.stepper import Stepper
from core.engine.training import Trainer
from core.engine.training import evaluate as evaluate_set
from core.errors import EditError, ScenarioError
from core.explain.explainer import explain
from core.exports.pytorch import to_pytorch
from core.exports.report import solve, to_json
from core.learner.diagnosis import diagnose
from core.scenario.load import load_scenario, parse_scenario
from core.scenario.save import save_scenario

TINY = """\
format: 1
name: drop
input: [3]
samples:
  - {x: [1.0, 2.0, -1.0], y: [0.5]}
  - {x: [0.5, -1.0, 0.3], y: [-0.2]}
layers:
  - {name: fc, type: dense, units: 3, activation: linear,
     weight: [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]], bias: [0.0, 0.0, 0.0]}
  - {name: drop, type: dropout, p: 0.25, mask: [1, 0, 1]}
  - {name: out, type: dense, units: 1, activation: linear, weight: [[0.4, -0.6, 0.9]], bias: [0.0]}
loss: squared_error
learning_rate: 0.5
seed: 7
"""


def _stepper(text: str = TINY) -> Stepper:
    stepper = Stepper(parse_scenario(text))
    stepper.run_iteration()
    return stepper


def test_out_is_x_times_mask_over_one_minus_p() -> None:
    s = _stepper()
    assert s.value("drop.mask[1]") == 0.0
    np.testing.assert_allclose(s.array("drop.out"), [1.0 / 0.75, 0.0, -1.0 / 0.75])
    assert explain(s, "drop.out[2]", 3).one_line() == \
        "a_drop[2] = a_fc[2]·mask_drop[2] / (1 − p) = (−1)·1 / (1 − 0.25) = −1.333"
    # ∂E/∂out of the output: out − y = 0.4·4/3 + 0.9·(−4/3) − 0.5; back through the kept values only
    g = 0.4 / 0.75 - 0.9 / 0.75 - 0.5
    assert s.value("fc.grad_out[0]") == pytest.approx(g * 0.4 / 0.75)
    assert s.value("fc.grad_out[1]") == 0.0
    d = explain(s, "fc.grad_out[0]", 3)
    assert d.formula == "∂E/∂a_drop[0]·mask_drop[0] / (1 − p)"
    assert "iteration 1's, as given in the scenario" in explain(s, "drop.mask[0]", 3).notes


def test_masks_come_from_the_seed_and_the_iteration() -> None:
    text = TINY.replace(", mask: [1, 0, 1]", "").replace("learning_rate: 0.5", "learning_rate: 0.5\nbatch_size: 2")
    a, b = Stepper(parse_scenario(text)), Stepper(parse_scenario(text))
    masks = []
    for _ in range(4):
        for s in (a, b):
            if s.phase().stage == "done":
                s.advance_to_next()
            s.run_iteration()
        np.testing.assert_array_equal(a.array("drop.mask"), b.array("drop.mask"))
        masks.append(a.array("drop.mask"))
        assert set(np.unique(masks[-1])) <= {0.0, 1.0} and masks[-1].shape == (2, 3)
    assert any(not np.array_equal(masks[0], m) for m in masks[1:])  # a fresh mask every iteration
    other = Stepper(parse_scenario(text.replace("seed: 7", "seed: 8")))
    drawn = [iteration_given(other.network, 8, k, 2, {})["drop.mask"] for k in range(1, 5)]
    assert any(not np.array_equal(m, d) for m, d in zip(masks, drawn))  # another seed, other masks
    assert "drawn for iteration 4 from seed 7" in explain(a, "drop.mask[0,0]", 3).notes[0]


def test_keep_rate_is_one_minus_p() -> None:
    scenario = parse_scenario(TINY.replace(", mask: [1, 0, 1]", "").replace("p: 0.25", "p: 0.3"))
    kept = np.mean([iteration_given(scenario.network, 7, k, 50, {})["drop.mask"].mean() for k in range(1, 41)])
    assert kept == pytest.approx(0.7, abs=0.02)


def test_training_draws_the_stepper_s_masks() -> None:
    text = TINY.replace(", mask: [1, 0, 1]", "")
    scenario = parse_scenario(text)
    trainer, stepper = Trainer(scenario), Stepper(scenario)
    for _ in range(5):
        trainer.step()
        if stepper.phase().stage == "done":
            stepper.advance_to_next()
        stepper.run_iteration()
    stepper.advance_to_next()
    for layer in ("fc", "out"):
        np.testing.assert_allclose(trainer.params[layer]["weight"], stepper.params[layer]["weight"], rtol=1e-13)


@pytest.mark.parametrize("residual", [False, True], ids=["plain", "residual"])
@pytest.mark.parametrize("shape", [[3], [2, 3]], ids=["features", "channels"])
def test_finite_differences(shape: list[int], residual: bool) -> None:
    rng = np.random.default_rng(2)
    layers = [{"name": "fc", "type": "conv1d", "filters": 2, "kernel": 1, "activation": "tanh"} if len(shape) > 1
              else {"name": "fc", "type": "dense", "units": 3, "activation": "tanh"},
              {"name": "drop", "type": "dropout", "p": 0.4}]
    if residual:
        layers.append({"name": "res", "type": "add", "inputs": ["drop", "fc"]})
    layers += [{"name": "flat", "type": "flatten"}] if len(shape) > 1 else []
    layers.append({"name": "head", "type": "dense", "units": 2, "activation": "sigmoid"})
    text = scenario_text(shape, layers, "squared_error", random_samples(rng, tuple(shape), 2, "squared_error", 4),
                         0.2, 3, seed=4)
    stepper = check_all_gradients(parse_scenario(text))
    mask = stepper.batched("drop.mask")
    assert 0 < mask.sum() < mask.size  # something kept, something dropped


def test_pytorch_agrees_over_several_iterations(tmp_path: Path) -> None:
    pytest.importorskip("torch")
    text = TINY.replace("mask: [1, 0, 1]", "mask: [[1, 0, 1], [0, 1, 1]]").replace(
        "learning_rate: 0.5", "learning_rate: 0.5\nbatch_size: 2")
    scenario = parse_scenario(text)
    records = json.loads(to_json(scenario, solve(scenario, iterations=3)))["iterations"]
    assert records[0]["values"]["drop.mask"] == [[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]]
    stepper = Stepper(scenario)
    for k in range(3):
        if k:
            stepper.advance_to_next()
        stepper.run_iteration()
        script = tmp_path / "iteration.py"
        script.write_text(to_pytorch(stepper), encoding="utf-8")
        result = run_script(script)
        assert result.returncode == 0, result.stderr
        theirs = json.loads(result.stdout)["iterations"][0]["values"]
        assert set(theirs) == set(records[k]["values"])
        for name, value in records[k]["values"].items():
            np.testing.assert_allclose(np.array(theirs[name]), np.array(value), rtol=1e-7, atol=1e-9, err_msg=name)


def test_evaluation_drops_nothing() -> None:
    scenario = parse_scenario(TINY)
    loss, _ = evaluate_set(scenario, scenario.params, scenario.samples)
    x, y = scenario.samples.x, scenario.samples.y
    out = x @ np.array([[0.4, -0.6, 0.9]]).T
    assert loss == pytest.approx(float((0.5 * (y - out) ** 2).sum(axis=1).mean()), rel=1e-12)


def test_editing_the_mask_clears_what_depends_on_it_and_undoes() -> None:
    s = _stepper()
    said = s.edit("drop.mask[1]", 1.0)
    assert "from 'drop' on" in said
    assert not s.has("drop.out") and s.has("fc.out") and not s.has("loss")
    assert s.phase().layer == "drop"
    s.run_iteration()
    assert s.value("drop.out[1]") == pytest.approx(2.0 / 0.75)
    assert "edited by you (it was 0)" in explain(s, "drop.mask[1]", 3).notes[0]
    with pytest.raises(EditError, match=r"drop\.mask\[0\]: a dropout mask holds 1 \(kept\) or 0 \(dropped\) only"):
        s.edit("drop.mask[0]", 0.5)
    with pytest.raises(EditError, match="is computed, not given"):
        s.edit("drop.out[0]", 1.0)
    s.undo()
    s.undo()
    assert s.value("drop.mask[1]") == 0.0


def test_the_mask_is_saved_as_given_and_an_edit_of_iteration_1_with_it(tmp_path: Path) -> None:
    s = _stepper()
    s.edit("drop.mask[0]", 0.0)
    path = save_scenario(s.current_scenario(), tmp_path / "drop.yaml")
    assert "mask: [0.0, 0.0, 1.0]" in path.read_text(encoding="utf-8")
    loaded = Stepper(load_scenario(path))
    np.testing.assert_array_equal(loaded.array("drop.mask"), [0.0, 0.0, 1.0])
    s.run_iteration()
    s.advance_to_next()
    s.edit("drop.mask[0]", 1.0)  # iteration 2's mask, edited: the file starts at iteration 2
    path = save_scenario(s.current_scenario(), tmp_path / "drop2.yaml")
    np.testing.assert_array_equal(Stepper(load_scenario(path)).array("drop.mask"), s.array("drop.mask"))


@pytest.mark.parametrize(("change", "message"), [
    (("p: 0.25", "p: 1"), r"layers\[1\]\.p: 'p' must be a number in \[0, 1\), got 1"),
    (("p: 0.25", "p: -0.1"), r"layers\[1\]\.p: 'p' must be a number in \[0, 1\), got -0.1"),
    (("mask: [1, 0, 1]", "mask: [1, 0.5, 1]"), r"layers\[1\]\.mask: drop\.mask: a dropout mask holds 1 \(kept\) or 0"),
    (("mask: [1, 0, 1]", "mask: [1, 0]"), r"layers\[1\]\.mask: drop\.mask must have shape \[3\]"),
    (("learning_rate: 0.5", "learning_rate: 0.5\nbatch_size: 2"), r"drop\.mask must have shape \[2, 3\]"),
])
def test_refusals(change: tuple[str, str], message: str) -> None:
    with pytest.raises(ScenarioError, match=message):
        parse_scenario(TINY.replace(*change))


def test_diagnosis_names_the_missing_scale() -> None:
    s = _stepper()
    slip = diagnose(s, "drop.out[0]", 1.0, 3)  # x·mask, without 1/(1 − p)
    assert slip is not None and slip.slip == "dropout-scale" and "1/(1 − p)" in slip.explanation
    g = s.value("drop.grad_out[0]")
    slip = diagnose(s, "fc.grad_out[0]", round(g, 4), 4)
    assert slip is not None and slip.slip == "dropout-scale"
    slip = diagnose(s, "fc.delta[0]", round(g, 4), 4)
    assert slip is not None and slip.slip == "dropout-scale"


def test_pytorch_agrees_through_training_with_the_drawn_masks() -> None:
    """Training draws iteration k's mask from the seed; torch, given the same masks,
    reaches the same weights (its own random numbers differ, so the masks are handed over)."""
    torch = pytest.importorskip("torch")
    scenario = parse_scenario(TINY.replace(", mask: [1, 0, 1]", ""))
    trainer = Trainer(scenario)
    for _ in range(4):
        trainer.step()
    torch.set_default_dtype(torch.float64)
    fc, out = torch.nn.Linear(3, 3), torch.nn.Linear(3, 1)
    with torch.no_grad():
        for module, name in ((fc, "fc"), (out, "out")):
            module.weight.copy_(torch.tensor(scenario.params[name]["weight"]))
            module.bias.copy_(torch.tensor(scenario.params[name]["bias"]))
    opt = torch.optim.SGD([*fc.parameters(), *out.parameters()], lr=0.5)
    x, y = torch.tensor(scenario.samples.x), torch.tensor(scenario.samples.y)
    for k in range(1, 5):
        mask = torch.tensor(iteration_given(scenario.network, 7, k, 1, {})["drop.mask"])
        i = (k - 1) % 2
        opt.zero_grad()
        pred = out(fc(x[i:i + 1]) * mask / (1 - 0.25))
        loss = 0.5 * ((y[i:i + 1] - pred) ** 2).sum()
        loss.backward()
        opt.step()
    np.testing.assert_allclose(trainer.params["fc"]["weight"], fc.weight.detach().numpy(), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(trainer.params["out"]["weight"], out.weight.detach().numpy(), rtol=1e-12, atol=1e-14)


def test_hand_rounding_steps_through_dropout_and_batch_norm() -> None:
    from core.numbers import round_as_shown
    from core.scenario.catalog import load

    for name in ("dropout-tiny", "batchnorm-tiny"):
        stepper = Stepper(load(name))
        stepper.set_hand_rounding(3)
        stepper.run_iteration()
        assert np.isfinite(stepper.value("loss")) and stepper.has("drop.mask" if name == "dropout-tiny" else "bn.var")
        for key, arr in stepper.state.values.items():
            if key not in ("input", "target"):
                np.testing.assert_array_equal(round_as_shown(arr, 3), arr, err_msg=key)  # every value as shown


def test_a_save_carries_the_mask_of_the_iteration_the_file_starts_at() -> None:
    """Saved during iteration 2 (its mask edited) the file's iteration 1 uses that mask;
    saved once iteration 2 is updated, iteration 3's (the save wrote iteration 1's again)."""
    from core.scenario.catalog import load
    from core.scenario.save import dump_scenario

    def reloaded_mask(stepper: Stepper) -> list[float]:
        again = Stepper(parse_scenario(dump_scenario(stepper.current_scenario(), Path("s.yaml")), "s.yaml"))
        again.forward_all()
        return again.array("drop.mask").tolist()

    stepper = Stepper(load("dropout-tiny"))
    stepper.run_iteration()
    stepper.advance_to_next()
    stepper.edit("drop.mask[1]", 1.0)
    assert reloaded_mask(stepper) == stepper.array("drop.mask").tolist()
    stepper.run_iteration()  # iteration 2 updated: the file starts at iteration 3
    saved = reloaded_mask(stepper)
    stepper.advance_to_next()
    stepper.forward_all()
    assert saved == stepper.array("drop.mask").tolist()
