"""The bundled ``digits-modern`` scenario: batch norm, a residual block, global average
pooling and Adam on the bundled digits. Loading, one stepped iteration with its expected
values, and a few training iterations (the full 10-epoch run is benchmarks/bench_digits_modern.py)."""

from __future__ import annotations

import numpy as np
import pytest

from core.engine.stepper import Stepper
from core.engine.training import Trainer, evaluate
from core.learner.checks import run_checks
from core.scenario.catalog import bundled_titles, load


@pytest.fixture(scope="module")
def modern():
    return load("digits-modern")


def test_it_is_listed_and_loads_the_bundled_digits(modern) -> None:
    assert ("digits-modern", modern.name) in bundled_titles()
    assert modern.network.input_shape == (1, 8, 8)
    assert modern.samples.x.shape == (1437, 1, 8, 8)
    assert modern.test_samples is not None and modern.test_samples.x.shape == (360, 1, 8, 8)
    assert modern.optimizer.type == "adam" and modern.batch_size == 32


def test_the_network_is_the_documented_one(modern) -> None:
    network = modern.network
    assert [(layer.name, layer.kind) for layer in network.layers] == [
        ("conv", "conv2d"), ("bn", "batchnorm2d"), ("pool", "maxpool2d"), ("conv2", "conv2d"),
        ("bn2", "batchnorm2d"), ("conv3", "conv2d"), ("bn3", "batchnorm2d"), ("res", "add"),
        ("gap", "globalavgpool"), ("out", "dense")]
    assert network.inputs_of("res") == ("pool", "bn3")  # the skip connection
    assert network.layer("pool").out_shape == network.layer("bn3").out_shape == (24, 4, 4)
    assert network.layer("gap").out_shape == (24,)
    assert [layer.activation.name for layer in network.layers if layer.activation is not None] == [
        "linear", "relu", "linear", "relu", "linear", "linear", "relu", "softmax"]
    assert network.fused is not None and network.fused.activation == "softmax"


def test_one_stepped_iteration_meets_its_expected_values(modern) -> None:
    stepper = Stepper(modern)
    stepper.run_iteration()
    checks = run_checks(stepper, modern.expected)
    assert [c.name for c in checks] == ["gap.out[0,0]", "out.delta[0,0]", "res.grad_out[0,0,0,0]", "out.new_bias[0]"]
    assert all(c.ok for c in checks), [(c.name, c.actual) for c in checks]
    # gap sends each of the 16 positions 1/16 of its gradient; Adam's first step is ±α
    np.testing.assert_allclose(stepper.batched("res.grad_out")[0, 0], stepper.batched("gap.grad_out")[0, 0] / 16)
    new, old = stepper.array("out.new_bias"), stepper.array("out.bias")
    np.testing.assert_allclose(np.abs(new - old), 0.005, rtol=1e-6)


def test_a_few_training_iterations_lower_the_loss_and_repeat_exactly(modern) -> None:
    trainer = Trainer(modern)
    losses = [trainer.step() for _ in range(12)]
    assert all(np.isfinite(losses))
    assert np.mean(losses[-3:]) < 0.75 * losses[0]
    again = Trainer(load("digits-modern"))
    for _ in range(12):
        again.step()
    for layer, params in trainer.params.items():
        for name, value in params.items():
            np.testing.assert_array_equal(value, again.params[layer][name], err_msg=f"{layer}.{name}")
    loss, accuracy = evaluate(modern, trainer.params, modern.test_samples)  # eval mode: running statistics
    assert np.isfinite(loss) and accuracy is not None and 0.0 <= accuracy <= 1.0
