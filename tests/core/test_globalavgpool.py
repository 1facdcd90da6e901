"""globalavgpool: hand-worked forward, backward and derivations, finite differences in 1-D
and 2-D graphs, PyTorch, refusals, and the quiz over a graph that uses it."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from fixtures.formula_eval import evaluate
from fixtures.helpers import check_all_gradients
from fixtures.modern_graph import graph_scenario
from fixtures.torch_scripts import run_script

from core.engine.stepper import Stepper
from core.errors import ScenarioError
from core.explain.explainer import explain
from core.exports.pytorch import to_pytorch
from core.exports.report import solve, to_json
from core.learner.quiz import Quiz
from core.numbers import fmt
from core.scenario.load import parse_scenario

HAND = """\
format: 1
name: global average pooling by hand
input: [2, 2, 2]
samples:
  - x: [[[1.0, 2.0], [3.0, 6.0]], [[-4.0, 0.0], [0.5, 0.5]]]
    y: [1.0]
layers:
  - {name: gap, type: globalavgpool}
  - {name: o, type: dense, units: 1, activation: linear, weight: [[2.0, -1.0]], bias: [0.5]}
loss: squared_error
learning_rate: 0.1
"""


def test_forward_is_the_mean_of_each_channel() -> None:
    stepper = Stepper(parse_scenario(HAND))
    stepper.run_iteration()
    # channel 0: (1 + 2 + 3 + 6)/4 = 3; channel 1: (−4 + 0 + 0.5 + 0.5)/4 = −0.75
    assert stepper.array("gap.out").tolist() == [3.0, -0.75]
    assert stepper.network.layer("gap").out_shape == (2,)
    d = explain(stepper, "gap.out[0]", 3)
    assert d.one_line() == "a_gap[0] = (x[0,0,0] + x[0,0,1] + x[0,1,0] + x[0,1,1]) / 4 = (1 + 2 + 3 + 6) / 4 = 3.000"
    assert "the mean of channel 0 over all 4 positions" in d.notes


def test_backward_shares_each_channel_gradient_equally() -> None:
    stepper = Stepper(parse_scenario(HAND))
    stepper.run_iteration()
    # o = 2·3 − 1·(−0.75) + 0.5 = 7.25; ∂E/∂o = 7.25 − 1 = 6.25;
    # ∂E/∂gap = [2·6.25, −1·6.25] = [12.5, −6.25]; each input gets a quarter of its channel's
    assert stepper.array("gap.grad_out").tolist() == [12.5, -6.25]
    layer = stepper.network.layer("gap")
    grad = layer.input_grad({}, stepper.batched("input"), stepper.batched("gap.grad_out"), None)
    assert grad.tolist() == [[[[3.125, 3.125], [3.125, 3.125]], [[-1.5625, -1.5625], [-1.5625, -1.5625]]]]


TWO_LAYER = """\
format: 1
name: gap after a conv
input: [1, 4]
samples:
  - {x: [[1.0, 2.0, 3.0, 4.0]], y: [1.0]}
layers:
  - {name: conv, type: conv1d, filters: 1, kernel: 2, weight: [[[1.0, 1.0]]], bias: [0.0]}
  - {name: gap, type: globalavgpool}
  - {name: o, type: dense, units: 1, weight: [[1.0]], bias: [0.0]}
loss: squared_error
learning_rate: 0.1
"""


def test_the_gradient_reaching_the_layer_below_is_written_as_a_share() -> None:
    stepper = Stepper(parse_scenario(TWO_LAYER))
    stepper.run_iteration()
    # conv.out = [3, 5, 7]; gap = 5; ∂E/∂o = 5 − 1 = 4; each position gets 4/3
    d = explain(stepper, "conv.grad_out[0,1]", 3)
    assert d.one_line() == "∂E/∂a_conv[0,1] = ∂E/∂a_gap[0] / 3 = 4 / 3 = 1.333"
    assert evaluate(d.substituted) == pytest.approx(stepper.value("conv.grad_out[0,1]"))
    assert any("1/3" in n for n in d.notes)


# --- finite differences, PyTorch ----------------------------------------------------------
CONV2D_GAP = [
    {"name": "conv", "type": "conv2d", "filters": 3, "kernel": 2, "stride": [1, 2], "padding": 1,
     "activation": "relu"},
    {"name": "c2", "type": "conv2d", "filters": 3, "kernel": 3, "padding": 1, "activation": "tanh",
     "frozen": ["weight"]},
    {"name": "res", "type": "add", "inputs": ["conv", "c2"], "activation": "linear"},
    {"name": "gap", "type": "globalavgpool"},
    {"name": "head", "type": "dense", "units": 2, "activation": "sigmoid"},
]


@pytest.mark.parametrize("batch", [1, 3])
def test_globalavgpool_passes_finite_differences_in_1d_and_2d_residual_graphs(batch: int) -> None:
    check_all_gradients(graph_scenario(7, batch=batch))
    stepper = check_all_gradients(graph_scenario(7, batch=batch, loss="squared_error", layers=CONV2D_GAP,
                                                 shape=(2, 4, 5)))
    assert stepper.network.layer("gap").in_shape == (3, 5, 3)


def test_globalavgpool_export_agrees_with_pytorch_over_several_iterations(tmp_path: Path) -> None:
    pytest.importorskip("torch")
    stepper = Stepper(graph_scenario(7, loss="squared_error", layers=CONV2D_GAP, shape=(2, 4, 5)))
    for k in range(3):
        if k:
            stepper.advance_to_next()
        stepper.run_iteration()
        script = tmp_path / f"iteration{k}.py"
        script.write_text(to_pytorch(stepper), encoding="utf-8")
        assert "h = h.mean(dim=tuple(range(2, h.dim())))" in script.read_text(encoding="utf-8")
        result = run_script(script)
        assert result.returncode == 0, result.stderr
        theirs = json.loads(result.stdout)["iterations"][0]["values"]
        for name in ("gap.out", "gap.grad_out", "res.grad_out", "conv.grad_weight", "head.new_weight"):
            np.testing.assert_allclose(np.array(theirs[name]), stepper.batched(name) if "." in name and
                                       name.split(".")[1] in ("out", "grad_out") else stepper.array(name),
                                       rtol=0, atol=1e-12, err_msg=f"iteration {k + 1}: {name}")


# --- refusals -----------------------------------------------------------------------------
def test_globalavgpool_needs_channels_and_positions() -> None:
    text = HAND.replace("input: [2, 2, 2]", "input: [8]").replace(
        "  - x: [[[1.0, 2.0], [3.0, 6.0]], [[-4.0, 0.0], [0.5, 0.5]]]", "  - x: [1, 2, 3, 6, -4, 0, 0.5, 0.5]")
    with pytest.raises(ScenarioError, match=r"<scenario>:8: layers\[0\]\.type: a globalavgpool layer needs a "
                                            r"\[channels, length\] or \[channels, height, width\] input, "
                                            r"but the input \[8\] gives \[8\]"):
        parse_scenario(text)
    with pytest.raises(ScenarioError, match=r"unknown field 'size' for a globalavgpool layer"):
        parse_scenario(HAND.replace("{name: gap, type: globalavgpool}", "{name: gap, type: globalavgpool, size: 2}"))


def test_solve_json_reports_its_out_and_grad_out_only() -> None:
    sc = parse_scenario(HAND)
    values = json.loads(to_json(sc, solve(sc)))["iterations"][0]["values"]
    assert sorted(k for k in values if k.startswith("gap.")) == ["gap.grad_out", "gap.out"]


# --- the quiz over a graph of the new units -------------------------------------------------
def test_a_quiz_over_gelu_globalavgpool_and_bce_takes_every_exact_answer() -> None:
    stepper = Stepper(graph_scenario(5, batch=2))
    quiz = Quiz(stepper)
    asked = set()
    while not quiz.finished:
        name = quiz.current
        assert name is not None
        asked.add(name.partition("[")[0])
        answer = quiz.answer(fmt(stepper.value(name), stepper.scenario.decimals + 6))
        assert answer.right, (name, answer.derivation.text())
    assert {"gap.out", "gap.grad_out", "res.out", "res.delta", "head.delta", "loss"} <= asked
    assert quiz.right == quiz.asked > 50
