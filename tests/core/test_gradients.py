"""Issue 2, check 2: finite-difference gradient checks for every layer, activation and loss."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from fixtures.helpers import (
    assert_close_grad,
    build,
    check_all_gradients,
    loss_with,
    numeric_grad,
    random_samples,
    randomise_biases,
    run_one_iteration,
    scenario_text,
)
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from core.engine.passes import train_step


def make(input_shape, layers, loss, outputs, *, count=1, batch_size=1, seed=0, lr=0.1, extra=""):
    rng = np.random.default_rng(seed + 1000)
    samples = random_samples(rng, tuple(input_shape), outputs, loss, count)
    scenario = build(scenario_text(list(input_shape), layers, loss, samples, lr, batch_size, seed, extra))
    randomise_biases(scenario, rng)
    return scenario


def relu_away_from_kinks(stepper, margin=1e-3) -> None:
    for layer in stepper.network.param_layers():
        if layer.activation.name == "relu":
            net = stepper.batched(f"{layer.name}.net")
            assert np.min(np.abs(net)) > margin, "test data put a relu input at its kink"


# (id, input shape, layers, loss, outputs)
CASES = [
    ("dense-sigmoid-softmax-ce", [4], [
        {"type": "dense", "units": 3, "activation": "sigmoid"},
        {"type": "dense", "units": 3, "activation": "softmax"}], "cross_entropy", 3),
    ("dense-tanh-linear-mse", [5], [
        {"type": "dense", "units": 4, "activation": "tanh"},
        {"type": "dense", "units": 2, "activation": "linear"}], "mse", 2),
    ("dense-relu-sigmoid-se", [3], [
        {"type": "dense", "units": 5, "activation": "relu"},
        {"type": "dense", "units": 2, "activation": "sigmoid"}], "squared_error", 2),
    ("softmax-squared-error", [4], [
        {"type": "dense", "units": 3, "activation": "tanh"},
        {"type": "dense", "units": 4, "activation": "softmax"}], "squared_error", 4),
    ("softmax-mse", [4], [
        {"type": "dense", "units": 3, "activation": "softmax"}], "mse", 3),
    ("sigmoid-cross-entropy", [4], [
        {"type": "dense", "units": 3, "activation": "tanh"},
        {"type": "dense", "units": 3, "activation": "sigmoid"}], "cross_entropy", 3),
    ("linear-cross-entropy-positive", [2], [
        {"type": "dense", "units": 2, "activation": "sigmoid"},
        {"type": "dense", "units": 2, "activation": "sigmoid"}], "cross_entropy", 2),
    ("conv1d-stride2-pad1-maxpool-overlap", [2, 9], [
        {"type": "conv1d", "filters": 3, "kernel": 3, "stride": 2, "padding": 1, "activation": "tanh"},
        {"type": "maxpool1d", "size": 3, "stride": 1},
        {"type": "flatten"},
        {"type": "dense", "units": 3, "activation": "softmax"}], "cross_entropy", 3),
    ("conv1d-avgpool1d-dense", [1, 8], [
        {"type": "conv1d", "filters": 2, "kernel": 2, "activation": "linear"},
        {"type": "avgpool1d", "size": 2, "stride": 1},
        {"type": "dense", "units": 2, "activation": "sigmoid"}], "squared_error", 2),
    ("conv1d-avgpool1d-drops-windows", [1, 9], [
        {"type": "conv1d", "filters": 2, "kernel": 2, "activation": "sigmoid"},
        {"type": "avgpool1d", "size": 3},
        {"type": "dense", "units": 2, "activation": "linear"}], "mse", 2),
    ("conv2d-nonsquare-stride-pad-avgpool", [2, 6, 5], [
        {"type": "conv2d", "filters": 2, "kernel": [2, 3], "stride": [2, 1], "padding": [1, 0],
         "activation": "tanh"},
        {"type": "avgpool2d", "size": 2},
        {"type": "flatten"},
        {"type": "dense", "units": 3, "activation": "linear"}], "mse", 3),
    ("conv2d-stride2-pad1-maxpool-overlap", [1, 7, 7], [
        {"type": "conv2d", "filters": 2, "kernel": 3, "stride": 2, "padding": 1, "activation": "sigmoid"},
        {"type": "maxpool2d", "size": 2, "stride": 1},
        {"type": "flatten"},
        {"type": "dense", "units": 4, "activation": "tanh"},
        {"type": "dense", "units": 3, "activation": "softmax"}], "cross_entropy", 3),
    ("conv2d-maxpool-nonsquare-stack", [2, 8, 6], [
        {"type": "conv2d", "filters": 3, "kernel": [3, 2], "padding": [0, 1], "activation": "linear"},
        {"type": "maxpool2d", "size": [2, 3], "stride": [1, 2]},
        {"type": "conv2d", "filters": 2, "kernel": 2, "activation": "tanh"},
        {"type": "dense", "units": 2, "activation": "sigmoid"}], "squared_error", 2),
    ("conv2d-relu", [1, 5, 5], [
        {"type": "conv2d", "filters": 2, "kernel": 2, "activation": "relu"},
        {"type": "flatten"},
        {"type": "dense", "units": 2, "activation": "linear"}], "mse", 2),
    ("conv-softmax-last", [1, 6], [
        {"type": "conv1d", "filters": 2, "kernel": 3, "activation": "softmax"}], "cross_entropy", 8),
    ("conv2d-softmax-last-squared", [1, 4, 4], [
        {"type": "conv2d", "filters": 2, "kernel": 3, "activation": "softmax"}], "squared_error", 8),
    ("pool-last", [1, 6], [
        {"type": "conv1d", "filters": 2, "kernel": 2, "activation": "tanh"},
        {"type": "maxpool1d", "size": 2}], "mse", 4),
    ("avgpool2d-last", [1, 5, 5], [
        {"type": "conv2d", "filters": 1, "kernel": 2, "activation": "sigmoid"},
        {"type": "avgpool2d", "size": 2, "stride": 1}], "squared_error", 9),
    ("flatten-last", [2, 3, 3], [
        {"type": "conv2d", "filters": 2, "kernel": 2, "activation": "tanh"},
        {"type": "flatten"}], "squared_error", 8),
    ("dense-on-spatial-input", [2, 3, 2], [
        {"type": "dense", "units": 3, "activation": "sigmoid"},
        {"type": "flatten"},
        {"type": "dense", "units": 2, "activation": "softmax"}], "cross_entropy", 2),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_gradients_single_sample(case) -> None:
    _, input_shape, layers, loss, outputs = case
    scenario = make(input_shape, layers, loss, outputs, seed=3)
    stepper = check_all_gradients(scenario)
    relu_away_from_kinks(stepper)


@pytest.mark.parametrize("case", CASES[:4] + CASES[7:9] + CASES[10:12], ids=lambda c: c[0])
def test_gradients_batch_of_three(case) -> None:
    _, input_shape, layers, loss, outputs = case
    scenario = make(input_shape, layers, loss, outputs, count=5, batch_size=3, seed=4)
    stepper = check_all_gradients(scenario)
    relu_away_from_kinks(stepper)


def test_batch_loss_and_gradients_are_means() -> None:
    layers = [{"type": "conv1d", "filters": 2, "kernel": 2, "activation": "tanh"},
              {"type": "dense", "units": 3, "activation": "softmax"}]
    batched = make([1, 5], layers, "cross_entropy", 3, count=3, batch_size=3, seed=7)
    stepper = run_one_iteration(batched)
    losses, grads = [], []
    for j in range(3):
        single = batched.copy()
        single.batch_size = 1
        single.samples = type(batched.samples)(batched.samples.x[j:j + 1], batched.samples.y[j:j + 1])
        s = run_one_iteration(single)
        losses.append(s.value("loss"))
        grads.append({k: s.values_array(k) for k in ("conv1d1.grad_weight", "conv1d1.grad_bias",
                                                     "dense1.grad_weight", "dense1.grad_bias")})
        # per-sample quantities carry 1/B in the batch
        np.testing.assert_allclose(stepper.array("dense1.delta")[j], s.array("dense1.delta") / 3, rtol=1e-12)
        np.testing.assert_allclose(stepper.array("conv1d1.grad_out")[j], s.array("conv1d1.grad_out") / 3,
                                   rtol=1e-10, atol=1e-15)
        np.testing.assert_allclose(stepper.array("dense1.out")[j], s.array("dense1.out"), rtol=1e-14)
    assert stepper.value("loss") == pytest.approx(np.mean(losses), rel=1e-12)
    for key in grads[0]:
        np.testing.assert_allclose(stepper.values_array(key), np.mean([g[key] for g in grads], axis=0),
                                   rtol=1e-10, atol=1e-15)


def test_cross_entropy_batch_output_gradients() -> None:
    """For cross_entropy, out.grad_out = −y/a and out.delta = a − y, with the 1/B factor."""
    layers = [{"type": "dense", "units": 3, "activation": "softmax"}]
    scenario = make([2], layers, "cross_entropy", 3, count=2, batch_size=2, seed=8)
    stepper = run_one_iteration(scenario)
    a, y = stepper.array("dense1.out"), stepper.array("target")
    np.testing.assert_allclose(stepper.array("dense1.grad_out"), -y / a / 2, rtol=1e-12)
    np.testing.assert_allclose(stepper.array("dense1.delta"), (a - y) / 2, rtol=1e-12, atol=1e-17)


@pytest.mark.parametrize("frozen", [["weight"], ["bias"], ["weight", "bias"]])
def test_frozen_parameters(frozen) -> None:
    layers = [{"type": "conv1d", "filters": 2, "kernel": 2, "activation": "tanh", "frozen": frozen},
              {"type": "dense", "units": 2, "activation": "sigmoid", "frozen": frozen},
              {"type": "dense", "units": 2, "activation": "softmax"}]
    scenario = make([1, 5], layers, "cross_entropy", 2, seed=9, lr=0.7)
    stepper = check_all_gradients(scenario)  # the gradient is still reported and correct
    for layer in ("conv1d1", "dense1", "dense2"):
        for p in ("weight", "bias"):
            old, new = stepper.array(f"{layer}.{p}"), stepper.array(f"{layer}.new_{p}")
            grad = stepper.array(f"{layer}.grad_{p}")
            assert np.any(grad != 0)
            if layer != "dense2" and p in frozen:
                np.testing.assert_array_equal(new, old)
            else:
                np.testing.assert_allclose(new, old - 0.7 * grad, rtol=0, atol=1e-15)
    # training (train_step) agrees with the stepper
    new_params, loss, _ = train_step(scenario.network, scenario.params, scenario.samples.x[:1],
                                     scenario.samples.y[:1], 0.7)
    assert loss == stepper.value("loss")
    for layer, ps in new_params.items():
        for p, value in ps.items():
            np.testing.assert_allclose(value, stepper.array(f"{layer}.new_{p}"), rtol=0, atol=1e-15)


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_train_step_matches_stepper(case) -> None:
    _, input_shape, layers, loss, outputs = case
    scenario = make(input_shape, layers, loss, outputs, count=4, batch_size=2, seed=5, lr=0.3)
    stepper = run_one_iteration(scenario)
    new_params, value, out = train_step(scenario.network, scenario.params, scenario.samples.x[:2],
                                        scenario.samples.y[:2], 0.3)
    assert value == pytest.approx(stepper.value("loss"), rel=1e-12)
    np.testing.assert_allclose(out, stepper.batched(f"{scenario.network.layers[-1].name}.out"), rtol=1e-12)
    for layer, ps in new_params.items():
        for p, v in ps.items():
            np.testing.assert_allclose(v, stepper.array(f"{layer}.new_{p}"), rtol=1e-12, atol=1e-15)


def test_dense_flattens_channel_major() -> None:
    text = scenario_text([2, 2], [{"type": "dense", "units": 1, "weight": [[1, 10, 100, 1000]], "bias": [0]}],
                         "mse", [{"x": [[1, 2], [3, 4]], "y": [0]}])
    stepper = run_one_iteration(build(text))
    assert stepper.value("dense1.net[0]") == 4321.0


def test_convolution_is_cross_correlation() -> None:
    text = scenario_text([1, 4], [{"type": "conv1d", "filters": 1, "kernel": 2, "weight": [[[1, 10]]],
                                   "bias": [0]}], "mse", [{"x": [[1, 2, 3, 4]], "y": [0, 0, 0]}])
    stepper = run_one_iteration(build(text))
    np.testing.assert_array_equal(stepper.array("conv1d1.net"), [[21, 32, 43]])


def test_padding_and_stride_output_size() -> None:
    text = scenario_text([1, 5, 4], [{"type": "conv2d", "filters": 1, "kernel": [3, 2], "stride": [2, 3],
                                      "padding": [1, 1], "weight": [[[[1, 0], [0, 0], [0, 0]]]], "bias": [0]}],
                         "mse", [{"x": np.arange(20.0).reshape(1, 5, 4).tolist(), "y": [0] * 6}])
    stepper = run_one_iteration(build(text))
    net = stepper.array("conv2d1.net")
    # out: ((5+2−3)//2+1, (4+2−2)//3+1) = (3, 2); tap [0,0] reads padded input (2i−1, 3j−1)
    assert net.shape == (1, 3, 2)
    np.testing.assert_array_equal(net[0], [[0, 0], [0, 6], [0, 14]])


def test_max_pool_ties_go_to_the_first_maximum() -> None:
    text2 = scenario_text([1, 2, 2], [{"type": "conv2d", "filters": 1, "kernel": 1, "weight": [[[[1]]]],
                                       "bias": [0]}, {"type": "maxpool2d", "size": 2}, {"type": "flatten"}],
                          "mse", [{"x": [[[0.5, 0.7], [0.7, 0.1]]], "y": [0]}])
    stepper = run_one_iteration(build(text2))
    assert stepper.value("maxpool2d1.out[0,0,0]") == 0.7
    g = stepper.array("conv2d1.grad_out")
    # the gradient goes to the first maximum in row-major order, [0, 1], not to [1, 0]
    assert g[0, 0, 1] != 0
    assert g[0, 0, 0] == 0 and g[0, 1, 0] == 0 and g[0, 1, 1] == 0


# --- hypothesis: random geometry, activations and losses -------------------------------------

ACTS = ("sigmoid", "tanh", "linear")


@st.composite
def conv_networks(draw):
    dims = draw(st.sampled_from([1, 2]))
    channels = draw(st.integers(1, 3))
    spatial = [draw(st.integers(3, 7)) for _ in range(dims)]
    kernel = [draw(st.integers(1, 3)) for _ in range(dims)]
    stride = [draw(st.integers(1, 3)) for _ in range(dims)]
    padding = [draw(st.integers(0, 1)) for _ in range(dims)]
    for i in range(dims):
        assume(kernel[i] <= spatial[i] + 2 * padding[i])
    conv = {"type": f"conv{dims}d", "filters": draw(st.integers(1, 3)),
            "kernel": kernel[0] if dims == 1 else kernel, "stride": stride[0] if dims == 1 else stride,
            "padding": padding[0] if dims == 1 else padding, "activation": draw(st.sampled_from(ACTS))}
    out_spatial = [(spatial[i] + 2 * padding[i] - kernel[i]) // stride[i] + 1 for i in range(dims)]
    layers = [conv]
    pool_kind = draw(st.sampled_from(["none", "max", "avg"]))
    if pool_kind != "none":
        size = [draw(st.integers(1, 3)) for _ in range(dims)]
        pstride = [draw(st.integers(1, 3)) for _ in range(dims)]
        assume(all(size[i] <= out_spatial[i] for i in range(dims)))
        if pool_kind == "max":
            # a kernel that fits inside the padding gives outputs equal to the bias alone: ties
            assume(all(kernel[i] > padding[i] for i in range(dims)))
        layers.append({"type": f"{pool_kind}pool{dims}d", "size": size[0] if dims == 1 else size,
                       "stride": pstride[0] if dims == 1 else pstride})
    if draw(st.booleans()):
        layers.append({"type": "flatten"})
    loss = draw(st.sampled_from(["cross_entropy", "squared_error", "mse"]))
    last = draw(st.sampled_from(["softmax", "sigmoid", "tanh", "linear"]))
    if loss == "cross_entropy":
        last = draw(st.sampled_from(["softmax", "sigmoid"]))
    outputs = draw(st.integers(1, 3)) if last != "softmax" else draw(st.integers(2, 3))
    layers.append({"type": "dense", "units": outputs, "activation": last})
    batch = draw(st.integers(1, 3))
    seed = draw(st.integers(0, 10_000))
    return [channels, *spatial], layers, loss, outputs, batch, seed


@settings(max_examples=30, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.filter_too_much])
@given(conv_networks())
def test_gradients_random_networks(net) -> None:
    input_shape, layers, loss, outputs, batch, seed = net
    scenario = make(input_shape, layers, loss, outputs, count=batch + 1, batch_size=batch, seed=seed)
    check_all_gradients(scenario, rtol=1e-5, atol=1e-8)


@settings(max_examples=30, deadline=None, derandomize=True, database=None)
@given(st.integers(0, 10_000), st.sampled_from(["cross_entropy", "squared_error", "mse"]),
       st.sampled_from(["softmax", "sigmoid", "tanh", "linear"]), st.integers(1, 4))
def test_gradients_random_dense(seed, loss, last, batch) -> None:
    if loss == "cross_entropy" and last not in ("softmax", "sigmoid"):
        last = "softmax"
    layers = [{"type": "dense", "units": 4, "activation": "tanh"},
              {"type": "dense", "units": 3, "activation": last}]
    scenario = make([3], layers, loss, 3, count=4, batch_size=batch, seed=seed)
    check_all_gradients(scenario)


def test_numeric_gradient_helper_sanity() -> None:
    """The helper itself: d/dx Σ x³ = 3x²."""
    x = np.array([0.5, -1.0, 2.0])
    assert_close_grad(3 * x**2, numeric_grad(lambda v: float(np.sum(v**3)), x), "x³")


def test_no_warnings_in_gradient_checks() -> None:
    scenario = make([1, 5, 5], CASES[11][2], "cross_entropy", 3, seed=2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        stepper = run_one_iteration(scenario)
        loss_with(scenario, stepper.params, scenario.samples.x[:1], scenario.samples.y[:1])


@pytest.mark.parametrize("last", ["softmax", "sigmoid"])
def test_cross_entropy_targets_not_summing_to_one(last) -> None:
    """An edited target need not sum to 1: the gradient is still that of −Σ y·ln a."""
    layers = [{"type": "dense", "units": 3, "activation": "tanh"}, {"type": "dense", "units": 3, "activation": last}]
    scenario = make([2], layers, "cross_entropy", 3, count=2, batch_size=2, seed=12)
    scenario.samples.y = np.array([[0.5, 0.0, 0.0], [0.3, 0.9, 0.2]])
    check_all_gradients(scenario)
