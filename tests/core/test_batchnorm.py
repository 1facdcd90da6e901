"""Batch norm (batchnorm1d, batchnorm2d): hand-worked numbers, finite differences, PyTorch
agreement over several iterations (stepper and training), running statistics in evaluation,
save/load round trips, refusals."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from fixtures.formula_eval import evaluate
from fixtures.helpers import check_all_gradients, random_samples, scenario_text
from fixtures.torch_scripts import run_script

from core.engine.stepper import Stepper
from core.engine.training import Trainer
from core.engine.training import evaluate as evaluate_set
from core.errors import ScenarioError
from core.explain.explainer import explain
from core.exports.pytorch import to_pytorch
from core.exports.report import quantity_names, solve, to_json
from core.learner.diagnosis import diagnose
from core.scenario.load import load_scenario, parse_scenario
from core.scenario.save import save_scenario

TINY = """\
format: 1
name: bn
input: [2]
samples:
  - {x: [1.0, 2.0], y: [1.0, 0.0]}
  - {x: [3.0, -2.0], y: [0.0, 1.0]}
  - {x: [0.0, 0.0], y: [1.0, 0.0]}
  - {x: [4.0, 4.0], y: [0.0, 1.0]}
layers:
  - {name: bn, type: batchnorm1d, activation: linear, weight: [2.0, 0.5], bias: [0.5, -1.0]}
  - {name: out, type: dense, units: 2, activation: softmax, weight: [[0.4, -0.6], [0.2, 0.9]], bias: [0.0, 0.0]}
loss: cross_entropy
learning_rate: 0.5
batch_size: 4
"""


def _stepper(text: str = TINY) -> Stepper:
    stepper = Stepper(parse_scenario(text))
    stepper.run_iteration()
    return stepper


def test_forward_statistics_by_hand() -> None:
    s = _stepper()
    # channel 0: x = 1, 3, 0, 4 → μ = 2, σ² = (1 + 1 + 4 + 4)/4 = 2.5 (biased)
    assert s.value("bn.mean[0]") == pytest.approx(2.0)
    assert s.value("bn.var[0]") == pytest.approx(2.5)
    assert s.value("bn.xhat[1,0]") == pytest.approx(1.0 / math.sqrt(2.5 + 1e-5))
    assert s.value("bn.net[1,0]") == pytest.approx(2.0 / math.sqrt(2.5 + 1e-5) + 0.5)
    # running statistics after the forward: 0.9·0 + 0.1·2; 0.9·1 + 0.1·2.5·4/3 (unbiased)
    assert s.value("bn.running_mean[0]") == pytest.approx(0.2)
    assert s.value("bn.running_var[0]") == pytest.approx(0.9 + 0.1 * 2.5 * 4 / 3)
    # channel 1: x = 2, −2, 0, 4 → μ = 1, σ² = (1 + 9 + 1 + 9)/4 = 5
    assert s.value("bn.var[1]") == pytest.approx(5.0)


def test_derivations_write_every_number() -> None:
    s = _stepper()
    assert explain(s, "bn.mean[0]", 3).one_line() == \
        "μ_bn[0] = (x[0,0] + x[1,0] + x[2,0] + x[3,0]) / 4 = (1 + 3 + 0 + 4) / 4 = 2.000"
    assert explain(s, "bn.var[0]", 3).one_line() == (
        "σ²_bn[0] = ((x[0,0] − μ_bn[0])² + (x[1,0] − μ_bn[0])² + (x[2,0] − μ_bn[0])² + (x[3,0] − μ_bn[0])²) / 4"
        " = ((1 − 2)² + (3 − 2)² + (0 − 2)² + (4 − 2)²) / 4 = 2.500")
    assert explain(s, "bn.xhat[1,0]", 3).one_line() == \
        "x̂_bn[1,0] = (x[1,0] − μ_bn[0]) / √(σ²_bn[0] + ε) = (3 − 2) / √(2.5 + 0.00001) = 0.632"
    assert explain(s, "bn.running_var[0]", 3).one_line() == (
        "σ²_run′_bn[0] = (1 − m)·σ²_run_bn[0] + m·σ²_bn[0]·N/(N − 1) = (1 − 0.1)·1 + 0.1·2.5·4/3 = 1.233")
    assert explain(s, "bn.net[1,0]", 3).one_line() == \
        "z_bn[1,0] = γ_bn[0]·x̂_bn[1,0] + β_bn[0] = 2·0.6325 + 0.5 = 1.765"  # x̂ with the digit z needs
    grad = explain(s, "bn.grad_weight[0]", 3)
    assert grad.symbol == "∂C/∂γ_bn[0]" and "δ_bn[0,0]·x̂_bn[0,0]" in grad.formula


def test_backward_is_the_three_term_formula_with_its_sums() -> None:
    text = TINY.replace("  - {name: bn,", "  - {name: fc, type: dense, units: 2, activation: linear, "
                                          "weight: [[1.0, 0.0], [0.0, 1.0]], bias: [0.0, 0.0]}\n  - {name: bn,")
    s = _stepper(text)
    d = explain(s, "fc.grad_out[1,0]", None)
    assert d.formula == ("(1/(4·√(σ²_bn[0] + ε)))·(4·δ_bn[1,0]·γ_bn[0] − Σ∂C/∂x̂ − "
                         "x̂_bn[1,0]·Σ∂C/∂x̂·x̂)")
    assert evaluate(d.substituted) == pytest.approx(d.value, rel=1e-12)
    delta = s.batched("bn.delta")[:, 0]
    xhat = s.batched("bn.xhat")[:, 0]
    g = delta * 2.0
    assert math.isclose(float(d.notes[1].rsplit("= ", 1)[1].replace("−", "-")), float(g.sum()), rel_tol=1e-12)
    assert math.isclose(float(d.notes[2].rsplit("= ", 1)[1].replace("−", "-")), float((g * xhat).sum()),
                        rel_tol=1e-12)
    # the sums of ∂E/∂x over a channel vanish: the mean's gradient takes the shift away
    assert s.batched("fc.grad_out").sum(axis=0) == pytest.approx([0.0, 0.0], abs=1e-15)


LAYOUTS = {
    "1d-features": ([3], {"type": "batchnorm1d"}),
    "1d-channels": ([2, 3], {"type": "batchnorm1d"}),
    "2d": ([2, 2, 3], {"type": "batchnorm2d"}),
}


def _network(shape: list[int], bn: dict, activation: str = "tanh", frozen: list[str] | None = None,
             residual: bool = False) -> list[dict]:
    first = ({"name": "conv", "type": "conv1d" if len(shape) == 2 else "conv2d", "filters": shape[0],
              "kernel": 1, "activation": "linear"} if len(shape) > 1 else
             {"name": "fc", "type": "dense", "units": shape[0], "activation": "linear"})
    layers = [first, {"name": "bn", **bn, "activation": activation, "momentum": 0.3,
                      **({"frozen": frozen} if frozen else {})}]
    if residual:
        layers.append({"name": "res", "type": "add", "inputs": ["bn", first["name"]], "activation": "relu"})
    layers += [{"name": "flat", "type": "flatten"}] if len(shape) > 1 else []
    layers.append({"name": "head", "type": "dense", "units": 2, "activation": "sigmoid"})
    return layers


def _random(shape: list[int], layers: list[dict], batch: int, seed: int = 5, loss: str = "squared_error") -> str:
    rng = np.random.default_rng(seed)
    return scenario_text(shape, layers, loss, random_samples(rng, tuple(shape), 2, loss, 5), 0.2, batch, seed=seed)


@pytest.mark.parametrize("residual", [False, True], ids=["plain", "residual"])
@pytest.mark.parametrize("frozen", [None, ["weight"], ["weight", "bias"]], ids=["free", "frozen-w", "frozen"])
@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_finite_differences(layout: str, frozen: list[str] | None, residual: bool) -> None:
    shape, bn = LAYOUTS[layout]
    scenario = parse_scenario(_random(shape, _network(shape, bn, frozen=frozen, residual=residual), batch=3))
    scenario.params["bn"]["weight"] = np.linspace(0.5, 1.5, shape[0])
    scenario.params["bn"]["bias"] = np.linspace(-0.2, 0.3, shape[0])
    stepper = check_all_gradients(scenario)
    if frozen:
        for p in frozen:
            np.testing.assert_array_equal(stepper.values_array(f"bn.new_{p}"), stepper.params["bn"][p])
        # frozen stops γ, β, not the running statistics
        assert not np.allclose(stepper.values_array("bn.running_mean"), 0.0)


def _torch_run(stepper: Stepper, tmp_path: Path) -> dict:
    script = tmp_path / "iteration.py"
    script.write_text(to_pytorch(stepper), encoding="utf-8")
    result = run_script(script)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["iterations"][0]


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_pytorch_agrees_over_several_iterations(layout: str, tmp_path: Path) -> None:
    pytest.importorskip("torch")
    shape, bn = LAYOUTS[layout]
    scenario = parse_scenario(_random(shape, _network(shape, bn, residual=True), batch=3, loss="cross_entropy"))
    records = json.loads(to_json(scenario, solve(scenario, iterations=3)))["iterations"]
    stepper = Stepper(scenario)
    for k in range(3):
        if k:
            stepper.advance_to_next()
        stepper.run_iteration()
        theirs = _torch_run(stepper, tmp_path)
        ours = records[k]["values"]
        assert set(theirs["values"]) == set(ours)
        for name, value in ours.items():
            np.testing.assert_allclose(np.array(theirs["values"][name]), np.array(value), rtol=1e-7, atol=1e-9,
                                       err_msg=f"iteration {k + 1}: {name}")


def test_pytorch_module_agrees_through_training() -> None:
    """Training (its lean loop) and torch.nn.BatchNorm1d in train mode agree on the
    parameters and running statistics after several iterations; evaluation then uses the
    running statistics as torch's eval mode does."""
    torch = pytest.importorskip("torch")
    text = TINY.replace("batch_size: 4", "batch_size: 2")
    scenario = parse_scenario(text)
    trainer = Trainer(scenario)
    for _ in range(5):
        trainer.step()
    torch.set_default_dtype(torch.float64)
    bn = torch.nn.BatchNorm1d(2, momentum=0.1, eps=1e-5)
    fc = torch.nn.Linear(2, 2)
    with torch.no_grad():
        bn.weight.copy_(torch.tensor([2.0, 0.5]))
        bn.bias.copy_(torch.tensor([0.5, -1.0]))
        fc.weight.copy_(torch.tensor([[0.4, -0.6], [0.2, 0.9]]))
        fc.bias.zero_()
    opt = torch.optim.SGD([*bn.parameters(), *fc.parameters()], lr=0.5)
    x, y = torch.tensor(scenario.samples.x), torch.tensor(scenario.samples.y)
    for k in range(5):
        idx = [(2 * k) % 4, (2 * k + 1) % 4]
        opt.zero_grad()
        logits = fc(bn(x[idx]))
        loss = -(y[idx] * torch.log_softmax(logits, dim=1)).sum(dim=1).mean()
        loss.backward()
        opt.step()
    np.testing.assert_allclose(trainer.params["bn"]["weight"], bn.weight.detach().numpy(), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(trainer.layer_state["bn"]["running_mean"], bn.running_mean.numpy(), rtol=1e-9)
    np.testing.assert_allclose(trainer.layer_state["bn"]["running_var"], bn.running_var.numpy(), rtol=1e-9)
    bn.eval()
    with torch.no_grad():
        want = -(y * torch.log_softmax(fc(bn(x)), dim=1)).sum(dim=1).mean().item()
    loss, _ = evaluate_set(scenario, trainer.params, scenario.samples, trainer.layer_state)
    assert loss == pytest.approx(want, rel=1e-9)


def test_held_out_accuracy_uses_the_running_statistics() -> None:
    """Evaluation normalises with the running statistics: with running stats far from the
    batch's, a held-out prediction differs from the one batch statistics would give."""
    scenario = parse_scenario(TINY.replace("bias: [0.5, -1.0]}", "bias: [0.5, -1.0], running_mean: [10.0, -3.0], "
                                                                 "running_var: [4.0, 0.25]}"))
    params = scenario.params
    loss, _ = evaluate_set(scenario, params, scenario.samples)
    x = scenario.samples.x
    xhat = (x - np.array([10.0, -3.0])) / np.sqrt(np.array([4.0, 0.25]) + 1e-5)
    logits = (xhat * [2.0, 0.5] + [0.5, -1.0]) @ np.array([[0.4, -0.6], [0.2, 0.9]]).T
    logp = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    assert loss == pytest.approx(float(-(scenario.samples.y * logp).sum(axis=1).mean()), rel=1e-12)
    trainer = Trainer(scenario)
    stats = trainer.run_epochs(1)
    assert trainer.layer_state["bn"]["running_mean"][0] == pytest.approx(0.9 * 10.0 + 0.1 * 2.0)
    # the epoch's accuracy is its one iteration's own forward: batch statistics, before the update
    stepper = Stepper(scenario)
    stepper.run_iteration()
    out = stepper.array("out.out")
    assert out is not None
    right = out.argmax(axis=1) == scenario.samples.y.argmax(axis=1)
    assert stats[0].accuracy == int(right.sum()) / 4


def test_stepper_and_training_agree_over_iterations() -> None:
    scenario = parse_scenario(_random([2, 3], _network([2, 3], {"type": "batchnorm1d"}), batch=2))
    trainer = Trainer(scenario)
    stepper = Stepper(scenario)
    for _ in range(4):
        trainer.step()
        if stepper.phase().stage == "done":
            stepper.advance_to_next()
        stepper.run_iteration()
    stepper.advance_to_next()
    for kind in ("running_mean", "running_var"):
        np.testing.assert_allclose(stepper.layer_state["bn"][kind], trainer.layer_state["bn"][kind], rtol=1e-12)
    np.testing.assert_allclose(stepper.params["bn"]["weight"], trainer.params["bn"]["weight"], rtol=1e-12)


def test_running_statistics_are_saved_and_resume_exactly(tmp_path: Path) -> None:
    stepper = _stepper()
    stepper.advance_to_next()
    stepper.run_iteration()  # two iterations: the state after iteration 2's forward
    path = save_scenario(stepper.current_scenario(), tmp_path / "bn.yaml")
    text = path.read_text(encoding="utf-8")
    assert "running_mean:" in text and "running_var:" in text
    loaded = load_scenario(path)
    np.testing.assert_array_equal(loaded.layer_state["bn"]["running_mean"], stepper.values_array("bn.running_mean"))
    np.testing.assert_array_equal(loaded.layer_state["bn"]["running_var"], stepper.values_array("bn.running_var"))
    resumed = Stepper(loaded)
    resumed.run_iteration()
    m = 0.1
    expect = (1 - m) * stepper.values_array("bn.running_mean") + m * resumed.values_array("bn.mean")
    np.testing.assert_allclose(resumed.values_array("bn.running_mean"), expect, rtol=1e-15)


def test_solve_json_reports_every_batch_norm_quantity() -> None:
    scenario = parse_scenario(TINY)
    values = json.loads(to_json(scenario, solve(scenario)))["iterations"][0]["values"]
    for kind in ("mean", "var", "xhat", "net", "delta", "running_mean", "running_var", "weight", "bias",
                 "grad_weight", "grad_bias", "new_weight", "new_bias"):
        assert f"bn.{kind}" in values, kind
    assert np.shape(values["bn.xhat"]) == (4, 2) and np.shape(values["bn.mean"]) == (2,)
    assert "bn.mean" in quantity_names(Stepper(scenario))


def test_undo_and_edit_restore_the_running_statistics() -> None:
    stepper = _stepper()
    stepper.advance_to_next()
    before = stepper.layer_state["bn"]["running_mean"].copy()
    stepper.undo()
    np.testing.assert_array_equal(stepper.layer_state["bn"]["running_mean"], [0.0, 0.0])
    stepper.advance_to_next()
    np.testing.assert_array_equal(stepper.layer_state["bn"]["running_mean"], before)
    stepper.run_iteration()
    stepper.edit("bn.weight[0]", 1.0)  # γ does not change the statistics, but the forward is redone
    assert not stepper.has("bn.mean") and stepper.phase().layer == "bn"
    stepper.step_forward()
    assert stepper.value("bn.running_mean[0]") == pytest.approx(0.9 * before[0] + 0.1 * stepper.value("bn.mean[0]"))


@pytest.mark.parametrize(("change", "message"), [
    (("batch_size: 4", "batch_size: 1"), r"layers\[0\]: batch norm in training mode needs more than one value "
                                         r"per channel, but with batch_size 1 on a \[2\] input each feature has one"),
    (("activation: linear, weight: [2.0", "momentum: 1.5, activation: linear, weight: [2.0"),
     r"layers\[0\]\.momentum: 'momentum' must be a number in \[0, 1\], got 1\.5"),
    (("activation: linear, weight: [2.0", "eps: 0, activation: linear, weight: [2.0"),
     r"layers\[0\]\.eps: 'eps' must be a number > 0, got 0"),
    (("activation: linear, weight: [2.0", "momentum: fast, activation: linear, weight: [2.0"),
     r"layers\[0\]\.momentum: expected a number"),
    (("bias: [0.5, -1.0]}", "bias: [0.5, -1.0], running_var: [1.0, -1.0]}"),
     r"layers\[0\]\.running_var: bn\.running_var: a variance cannot be negative"),
    (("bias: [0.5, -1.0]}", "bias: [0.5, -1.0], running_mean: [1.0]}"),
     r"layers\[0\]\.running_mean: bn\.running_mean must have shape \[2\]"),
    (("type: batchnorm1d", "type: batchnorm2d"), r"layers\[0\]\.type: batchnorm2d normalises a \[channels, height, "
                                                 r"width\] input, but the input \[2\] gives \[2\]"),
])
def test_refusals_name_the_field(change: tuple[str, str], message: str) -> None:
    with pytest.raises(ScenarioError, match=message):
        parse_scenario(TINY.replace(*change))


@pytest.mark.parametrize(("shape", "kind", "x"), [([2, 1], "batchnorm1d", [[1.0], [2.0]]),
                                                 ([2, 1, 1], "batchnorm2d", [[[1.0]], [[2.0]]])])
def test_one_value_per_channel_is_refused(shape: list[int], kind: str, x: list) -> None:
    text = scenario_text(shape, [{"name": "bn", "type": kind}, {"name": "f", "type": "flatten"},
                                 {"name": "o", "type": "dense", "units": 1}], "mse", [{"x": x, "y": [0.0]}])
    with pytest.raises(ScenarioError, match=rf"on a \[{', '.join(map(str, shape))}\] input each channel has one"):
        parse_scenario(text)
    parse_scenario(text.replace("batch_size: 1", "batch_size: 2"))  # two values per channel: fine


def test_diagnosis_names_the_variance_slips() -> None:
    s = _stepper()
    # σ²_0 = 2.5 biased; unbiased 10/3 = 3.333
    slip = diagnose(s, "bn.var[0]", 3.333, 3)
    assert slip is not None and slip.slip == "unbiased-variance"
    xhat = 1.0 / math.sqrt(10 / 3 + 1e-5)
    slip = diagnose(s, "bn.xhat[1,0]", round(xhat, 3), 3)
    assert slip is not None and slip.slip == "unbiased-variance"
    slip = diagnose(s, "bn.running_var[0]", round(0.9 + 0.1 * 2.5, 3), 3)
    assert slip is not None and slip.slip == "biased-running-variance"
    assert diagnose(s, "bn.var[0]", 2.5, 3) is None
