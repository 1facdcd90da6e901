"""Issue 2, check 7: large logits give a finite loss and finite gradients, no NaN, no warnings."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from fixtures.helpers import build, run_one_iteration, scenario_text

from core.engine.passes import train_step
from core.nn.activations import sigmoid, softmax


def big_logit_scenario(activation: str, loss: str, scale: float, y: list[float], batch: int = 1):
    layers = [{"name": "hidden", "type": "dense", "units": 2, "activation": "tanh",
               "weight": [[1.0], [0.5]], "bias": [0.0, 0.0]},
              {"name": "out", "type": "dense", "units": 2, "activation": activation,
               "weight": [[scale, 0.0], [-scale, 0.0]], "bias": [0.0, 0.0]}]
    samples = [{"x": [20.0], "y": y}] * batch  # tanh(20) = 1 to float64: logits are ±scale
    return build(scenario_text([1], layers, loss, samples, 0.1, batch))


CASES = [
    ("softmax", "cross_entropy", 1000.0, [1.0, 0.0]),
    ("softmax", "cross_entropy", 1000.0, [0.0, 1.0]),
    ("softmax", "cross_entropy", -1000.0, [0.3, 0.7]),
    ("softmax", "cross_entropy", 1e6, [0.0, 1.0]),
    ("sigmoid", "cross_entropy", 1000.0, [1.0, 0.0]),
    ("sigmoid", "cross_entropy", 1000.0, [0.0, 1.0]),
    ("sigmoid", "cross_entropy", -1000.0, [0.5, 0.5]),
    ("softmax", "squared_error", 1000.0, [0.0, 1.0]),
    ("softmax", "mse", -1000.0, [0.0, 1.0]),
    ("sigmoid", "squared_error", 1000.0, [0.0, 1.0]),
    ("tanh", "mse", 1000.0, [0.0, 1.0]),
]


@pytest.mark.parametrize("batch", [1, 3])
@pytest.mark.parametrize("activation, loss, scale, y", CASES)
def test_large_logits_stay_finite(activation, loss, scale, y, batch) -> None:
    scenario = big_logit_scenario(activation, loss, scale, y, batch)
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        stepper = run_one_iteration(scenario)
        new_params, loss_value, out = train_step(scenario.network, scenario.params, scenario.samples.x[:batch],
                                                 scenario.samples.y[:batch], 0.1)
    assert np.isfinite(stepper.value("loss"))
    assert np.isfinite(loss_value)
    for key, arr in stepper.state.values.items():
        assert np.all(np.isfinite(arr)), key
    for ps in new_params.values():
        for v in ps.values():
            assert np.all(np.isfinite(v))
    np.testing.assert_array_equal(stepper.array("out.net")[..., 0] if batch > 1 else stepper.array("out.net")[0],
                                  scale if batch == 1 else np.full(batch, scale))


@pytest.mark.parametrize("scale, y, expected", [(1000.0, [1.0, 0.0], 0.0), (1000.0, [0.0, 1.0], 2000.0),
                                                (-1000.0, [0.3, 0.7], 0.3 * 2000.0),
                                                (1e6, [0.0, 1.0], 2e6)])
def test_softmax_cross_entropy_loss_is_exact_for_huge_logits(scale, y, expected) -> None:
    stepper = run_one_iteration(big_logit_scenario("softmax", "cross_entropy", scale, y))
    assert stepper.value("loss") == pytest.approx(expected, rel=1e-12, abs=1e-12)
    a = stepper.array("out.out")
    np.testing.assert_allclose(stepper.array("out.delta"), a - np.array(y), rtol=0, atol=1e-15)


def test_stable_activation_functions() -> None:
    z = np.array([-1000.0, -745.0, -30.0, 0.0, 30.0, 745.0, 1000.0])
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        s = sigmoid(z)
        p = softmax(np.array([[1000.0, -1000.0, 999.0], [-1e5, 0.0, 1e5]]))
    assert np.all(np.isfinite(s)) and np.all((s >= 0) & (s <= 1))
    assert s[3] == 0.5 and s[-1] == 1.0 and s[0] == 0.0
    assert s[2] == pytest.approx(1 / (1 + np.exp(30.0)), rel=1e-12)
    assert np.all(np.isfinite(p))
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    assert p[0, 0] == pytest.approx(1 / (1 + np.exp(-1.0)), rel=1e-12)


def test_saturated_sigmoid_with_cross_entropy_still_learns() -> None:
    """Cross-entropy on a sigmoid output is computed from the logit: a = σ(−1000) underflows
    to 0, yet the loss is the exact 1000 and δ = −y·(1 − a) = −1, not 0."""
    from core.engine.stepper import Stepper
    from core.scenario.load import parse_scenario

    text = """format: 1
name: saturated
input: [1]
samples: [{x: [1.0], y: [1.0]}]
layers: [{type: dense, units: 1, activation: sigmoid, weight: [[-1000.0]], bias: [0.0]}]
loss: cross_entropy
learning_rate: 0.1
"""
    stepper = Stepper(parse_scenario(text))
    stepper.run_iteration()
    assert stepper.value("loss") == 1000.0
    assert stepper.value("dense1.delta[0]") == -1.0
    assert stepper.value("dense1.new_weight[0,0]") == -1000.0 + 0.1
