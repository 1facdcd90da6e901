"""binary_cross_entropy on a sigmoid output: hand-worked numbers, the fused δ = a − y, the
loss from the logits, finite differences in a residual graph, PyTorch over several
iterations, refusals (another activation, targets outside 0…1), diagnosis."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from fixtures.cli_run import run_cli
from fixtures.formula_eval import evaluate
from fixtures.helpers import check_all_gradients
from fixtures.modern_graph import graph_scenario, torch_reference
from fixtures.torch_scripts import run_script

from core.engine.stepper import Stepper
from core.engine.training import Trainer
from core.errors import EditError, ScenarioError
from core.explain.explainer import explain
from core.exports.pytorch import to_pytorch
from core.exports.report import solve, to_json
from core.learner.diagnosis import diagnose
from core.nn.losses import binary_cross_entropy, get_loss, sigmoid_bce
from core.scenario.load import parse_scenario

# z = [0, ln 3] gives a = [0.5, 0.75]; targets [1, 0.25] (not a distribution)
HAND = """\
format: 1
name: binary cross-entropy by hand
input: [2]
samples:
  - {x: [1.0, 1.0], y: [1.0, 0.25]}
layers:
  - {name: o, type: dense, units: 2, activation: sigmoid, weight: [[0.5, -0.5], [1.0, 0.0]],
     bias: [0.0, 0.09861228866810969]}
loss: binary_cross_entropy
learning_rate: 0.1
"""


def test_values_by_hand() -> None:
    stepper = Stepper(parse_scenario(HAND))
    stepper.run_iteration()
    assert stepper.array("o.out") == pytest.approx([0.5, 0.75], abs=1e-15)
    # E = −[1·ln 0.5 + 0·ln 0.5] − [0.25·ln 0.75 + 0.75·ln 0.25] = 0.693147 + 0.071921 + 1.039721 = 1.804789
    assert stepper.value("loss") == pytest.approx(1.8047884695128086, abs=1e-14)
    assert stepper.value("loss") == pytest.approx(-(math.log(0.5) + 0.25 * math.log(0.75) + 0.75 * math.log(0.25)))
    # δ = a − y = [−0.5, 0.5]; ∂E/∂a = (a − y)/(a(1 − a)) = [−0.5/0.25, 0.5/0.1875] = [−2, 2.6667]
    assert stepper.array("o.delta") == pytest.approx([-0.5, 0.5], abs=1e-15)
    assert stepper.array("o.grad_out") == pytest.approx([-2.0, 8.0 / 3.0], abs=1e-14)
    # ∂E/∂w = δ·x, so new w = w − 0.1·δ
    np.testing.assert_allclose(stepper.array("o.new_weight"), [[0.55, -0.45], [0.95, -0.05]], rtol=0, atol=1e-15)


def test_derivations_by_hand() -> None:
    stepper = Stepper(parse_scenario(HAND))
    stepper.run_iteration()
    loss = explain(stepper, "loss", 3)
    assert loss.one_line() == ("E = −(y[0]·ln a_o[0] + (1 − y[0])·ln(1 − a_o[0]) + y[1]·ln a_o[1] + "
                               "(1 − y[1])·ln(1 − a_o[1])) = −(1·ln 0.5 + (1 − 1)·ln(1 − 0.5) + 0.25·ln 0.75 + "
                               "(1 − 0.25)·ln(1 − 0.75)) = 1.805")
    assert "binary_cross_entropy: E = −Σ_i [y_i·ln a_i + (1 − y_i)·ln(1 − a_i)]" in loss.notes
    assert any("from the logit" in n for n in loss.notes)
    assert evaluate(loss.substituted) == pytest.approx(stepper.value("loss"), rel=1e-12)
    delta = explain(stepper, "o.delta[1]", 3)
    assert delta.one_line() == "δ_o[1] = a_o[1] − y[1] = 0.75 − 0.25 = 0.500"
    assert delta.notes[0].startswith("sigmoid + binary cross-entropy: δ = ∂E/∂a·σ′(z)")
    grad = explain(stepper, "o.grad_out[1]", 3)
    assert grad.one_line() == ("∂E/∂a_o[1] = (a_o[1] − y[1]) / (a_o[1]·(1 − a_o[1])) = "
                               "(0.75 − 0.25) / (0.75·(1 − 0.75)) = 2.667")


def test_with_a_batch_delta_carries_one_over_b() -> None:
    text = HAND.replace("  - {x: [1.0, 1.0], y: [1.0, 0.25]}", "  - {x: [1.0, 1.0], y: [1.0, 0.25]}\n"
                        "  - {x: [0.0, 2.0], y: [0.0, 0.5]}") + "batch_size: 2\n"
    stepper = Stepper(parse_scenario(text))
    stepper.run_iteration()
    a, y = stepper.batched("o.out"), stepper.batched("target")
    np.testing.assert_allclose(stepper.batched("o.delta"), (a - y) / 2, rtol=0, atol=1e-16)
    d = explain(stepper, "o.delta[1,0]", 3)
    assert d.formula == "(1/2)·(a_o[1,0] − y[1,0])"
    assert evaluate(explain(stepper, "o.delta[1,0]", None).substituted) == pytest.approx(stepper.value("o.delta[1,0]"))


def test_the_loss_comes_from_the_logits_and_stays_finite() -> None:
    z = np.array([[800.0, -800.0, 0.0]])
    y = np.array([[0.0, 1.0, 0.5]])
    # (1 − y)·z + ln(1 + e^(−z)): 800 + 0 + 800 + ln 2
    assert sigmoid_bce(z, y) == pytest.approx(1600.0 + math.log(2.0))
    stepper = Stepper(parse_scenario(HAND.replace("bias: [0.0, 0.09861228866810969]", "bias: [900.0, -900.0]")))
    stepper.run_iteration()
    # z = [900, −899]: (1 − 1)·900 + ln(1 + e^(−900)) + (1 − 0.25)·(−899) + ln(1 + e^(899)) = 0.25·899
    assert stepper.value("loss") == pytest.approx(0.25 * 899.0, rel=1e-15)
    assert stepper.array("o.delta") == pytest.approx([0.0, -0.25])  # a − y with a = [1, 0]
    assert np.isfinite(stepper.array("o.grad_out")).all()  # a·(1 − a) is floored, as PyTorch does


def test_from_probabilities_the_same_loss() -> None:
    a = np.array([[0.5, 0.75], [0.1, 0.9]])
    y = np.array([[1.0, 0.25], [0.0, 0.5]])
    z = np.log(a / (1 - a))
    assert binary_cross_entropy(a, y) == pytest.approx(sigmoid_bce(z, y), rel=1e-14)
    loss = get_loss("binary_cross_entropy")
    assert loss.needs == "sigmoid" and loss.probabilities and not loss.distribution


# --- finite differences, PyTorch --------------------------------------------------------------
@pytest.mark.parametrize("batch", [1, 3])
def test_bce_in_a_residual_graph_passes_finite_differences(batch: int) -> None:
    check_all_gradients(graph_scenario(9, batch=batch))


def test_bce_graph_agrees_with_pytorch_over_several_iterations() -> None:
    pytest.importorskip("torch")
    scenario = graph_scenario(9)
    ours = json.loads(to_json(scenario, solve(scenario, iterations=5)))["iterations"]
    for k, (mine, ref) in enumerate(zip(ours, torch_reference(graph_scenario(9), 5))):
        assert mine["loss"] == pytest.approx(ref["loss"], rel=1e-12), k
        for name in ("head.grad_weight", "head.grad_bias", "c1.grad_weight", "c2.new_weight", "head.new_bias"):
            np.testing.assert_allclose(np.array(mine["values"][name]), ref[name], rtol=1e-10, atol=1e-13,
                                       err_msg=f"iteration {k + 1}: {name}")


def test_training_matches_the_stepper_over_iterations() -> None:
    scenario = graph_scenario(9)
    trainer = Trainer(graph_scenario(9))
    stepper = Stepper(scenario)
    for _ in range(4):
        stepper.run_iteration()
        stepper.advance_to_next()
    for _ in range(4):
        trainer.step()
    for layer, params in trainer.params.items():
        for pname, value in params.items():
            np.testing.assert_array_equal(value, stepper.params[layer][pname], err_msg=f"{layer}.{pname}")


def test_the_export_computes_the_loss_from_the_logits(tmp_path: Path) -> None:
    pytest.importorskip("torch")
    stepper = Stepper(parse_scenario(HAND.replace("bias: [0.0, 0.09861228866810969]", "bias: [40.0, -3.0]")))
    stepper.run_iteration()
    script = tmp_path / "bce.py"
    text = to_pytorch(stepper)
    assert "F.binary_cross_entropy_with_logits(logits, y, reduction='sum') / BATCH" in text
    script.write_text(text, encoding="utf-8")
    result = run_script(script)
    assert result.returncode == 0, result.stderr
    theirs = json.loads(result.stdout)["iterations"][0]
    assert theirs["loss"] == pytest.approx(stepper.value("loss"), rel=1e-12)
    np.testing.assert_allclose(theirs["values"]["o.delta"], stepper.array("o.delta"), rtol=0, atol=1e-12)


# --- refusals -----------------------------------------------------------------------------------
@pytest.mark.parametrize("activation", ["softmax", "relu", "linear"])
def test_another_output_activation_is_refused(activation: str) -> None:
    text = HAND.replace("activation: sigmoid", f"activation: {activation}")
    with pytest.raises(ScenarioError, match=rf"^<scenario>:7: layers\[0\]\.activation: binary_cross_entropy needs a "
                                            rf"sigmoid last layer \(its outputs are the probabilities it scores\), "
                                            rf"but layer 'o' has activation {activation}$"):
        parse_scenario(text)


def test_a_last_layer_without_activation_is_refused() -> None:
    text = HAND.replace("input: [2]", "input: [2, 3]").replace("x: [1.0, 1.0]", "x: [[1, 2, 3], [4, 5, 6]]").replace(
        "  - {name: o, type: dense, units: 2, activation: sigmoid, weight: [[0.5, -0.5], [1.0, 0.0]],\n"
        "     bias: [0.0, 0.09861228866810969]}", "  - {name: gap, type: globalavgpool}")
    with pytest.raises(ScenarioError, match=r"layers\[0\]\.type: binary_cross_entropy needs a sigmoid last layer .*"
                                            r"but layer 'gap' has no activation \(a globalavgpool layer\)"):
        parse_scenario(text)


@pytest.mark.parametrize("target", ["1.5", "-0.25"])
def test_targets_outside_zero_to_one_are_refused(target: str) -> None:
    with pytest.raises(ScenarioError, match=rf"<scenario>:5: samples\[0\]\.y: for binary_cross_entropy every target "
                                            rf"must lie in 0…1 \(the probability of each output\), but sample 0's "
                                            rf"y\[1\] is {target}"):
        parse_scenario(HAND.replace("y: [1.0, 0.25]", f"y: [1.0, {target}]"))


def test_targets_outside_zero_to_one_in_an_npz_are_refused(tmp_path: Path) -> None:
    np.savez(tmp_path / "s.npz", x=np.ones((3, 2)), y=np.array([[0.0, 1.0], [0.5, 0.5], [2.0, 0.0]]))
    path = tmp_path / "bce.yaml"
    text = HAND.replace("  - {x: [1.0, 1.0], y: [1.0, 0.25]}", "  {file: s.npz}").replace("samples:\n", "samples:")
    path.write_text(text, encoding="utf-8")
    result = run_cli("check", str(path))
    assert result.returncode == 1
    assert result.stderr.strip().endswith("samples.file: for binary_cross_entropy every target must lie in 0…1 (the "
                                          "probability of each output), but sample 2's y[0] is 2")
    assert "Traceback" not in result.stderr


def test_an_edit_outside_zero_to_one_is_refused_and_one_inside_is_taken() -> None:
    stepper = Stepper(parse_scenario(HAND))
    with pytest.raises(EditError, match=r"a binary_cross_entropy target must lie in 0…1, got 1.2"):
        stepper.edit("target[1]", 1.2)
    stepper.edit("target[1]", 0.6)  # no need to sum to 1
    stepper.run_iteration()
    assert stepper.value("o.delta[1]") == pytest.approx(0.75 - 0.6)


def test_sign_slip_on_the_output_delta_is_diagnosed() -> None:
    stepper = Stepper(parse_scenario(HAND))
    stepper.run_iteration()
    found = diagnose(stepper, "o.delta[1]", -0.5, 3)  # y − a instead of a − y
    assert found is not None and found.slip == "sign"
