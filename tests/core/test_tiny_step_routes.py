"""The shortcuts of a tiny network's training step give the numbers of the general code:
layers keep reshaped views of the parameter arrays they were last given (views, so an
update in place shows; another array is read afresh), the trainer keeps the views of a short
cycle of batches, plain SGD's settings are read once, softmax cross-entropy's δ of one
sample is a − y when its targets sum to 1 (and a batch known to have such targets skips the
check), its loss of one sample looks for a zero output in Python, and activations without
settings are their own functions."""

from __future__ import annotations

import numpy as np
import pytest

from core.engine.passes import gradients, update_params
from core.engine.scenario import SampleSet
from core.engine.training import Trainer
from core.nn.activations import get_activation, relu, sigmoid, softmax
from core.nn.layers.conv import Conv
from core.nn.layers.dense import Dense
from core.nn.layers.pool import Pool
from core.nn.losses import _softmax_ce_delta, get_loss, softmax_cross_entropy, targets_sum_to_one
from core.nn.optim import Hyper, OptimizerState, get_optimizer
from core.nn.small_sums import SEQUENTIAL, all_positive, sequential_sum
from core.scenario.catalog import load


def _conv_reference(weight: np.ndarray, bias: np.ndarray, x: np.ndarray) -> np.ndarray:
    """net of a 1-D convolution (kernel 3, stride 1, no padding), summed by hand."""
    b, _, length = x.shape
    f, c, k = weight.shape
    net = np.zeros((b, f, length - k + 1))
    for s in range(b):
        for j in range(f):
            for p in range(length - k + 1):
                net[s, j, p] = sum(weight[j, ch, t] * x[s, ch, p + t] for ch in range(c) for t in range(k)) + bias[j]
    return net


@pytest.mark.parametrize("batch", [1, 3])
def test_conv_reads_its_parameters_afresh_after_an_update_in_place_and_for_new_arrays(batch: int) -> None:
    rng = np.random.default_rng(1)
    conv = Conv("conv", (2, 6), 3, (1, 3), (1, 1), (0, 0), get_activation("sigmoid", {}))
    flat = rng.normal(size=3 * 2 * 3 + 3)
    params = {"weight": flat[:18].reshape(3, 2, 3), "bias": flat[18:]}  # views, as the trainer's
    x = rng.normal(size=(batch, 2, 6))
    net, _, _ = conv.forward(params, x)
    assert np.allclose(net, _conv_reference(params["weight"], params["bias"], x), rtol=0, atol=1e-12)
    flat *= -0.5  # the trainer's update writes its vector in place
    net, _, _ = conv.forward(params, x)
    assert np.allclose(net, _conv_reference(params["weight"], params["bias"], x), rtol=0, atol=1e-12)
    other = {"weight": rng.normal(size=(3, 2, 3)), "bias": rng.normal(size=3)}  # the stepper's new arrays
    net, _, cols = conv.forward(other, x)
    assert np.allclose(net, _conv_reference(other["weight"], other["bias"], x), rtol=0, atol=1e-12)
    grads = {"weight": np.zeros((3, 2, 3)), "bias": np.zeros(3)}
    delta = rng.normal(size=net.shape)
    conv.param_grads(x, delta, cols, grads)
    expected = conv.param_grads(x, delta, cols)  # the gradients as new arrays
    assert grads["weight"].tobytes() == expected["weight"].tobytes()
    grads2 = {"weight": np.zeros((3, 2, 3)), "bias": np.zeros(3)}
    conv.param_grads(x, 2 * delta, cols, grads2)  # other arrays to write in
    assert np.array_equal(grads2["weight"], conv.param_grads(x, 2 * delta, cols)["weight"])
    assert not grads2["weight"].tobytes() == grads["weight"].tobytes()


def test_dense_reads_its_weight_afresh() -> None:
    rng = np.random.default_rng(2)
    dense = Dense("fc", (4,), 3, get_activation("linear", {}))
    flat = rng.normal(size=15)
    params = {"weight": flat[:12].reshape(3, 4), "bias": flat[12:]}
    x = rng.normal(size=(2, 4))
    for _ in range(2):
        net, _, _ = dense.forward(params, x)
        assert np.allclose(net, x @ params["weight"].T + params["bias"], rtol=0, atol=1e-12)
        flat += 1.0
    other = {"weight": rng.normal(size=(3, 4)), "bias": rng.normal(size=3)}
    assert np.allclose(dense.forward(other, x)[0], x @ other["weight"].T + other["bias"], rtol=0, atol=1e-12)


@pytest.mark.parametrize("batch", [1, 2, 700])
def test_max_pool_routes_by_batch_size(batch: int) -> None:
    rng = np.random.default_rng(3)
    pool = Pool("pool", (2, 6), "max", (1, 2), (1, 2))
    for _ in range(2):  # the second call takes the route planned by the first
        x = rng.normal(size=(batch, 2, 6))
        _, out, choice = pool.forward({}, x)
        assert np.array_equal(out, x.reshape(batch, 2, 3, 2).max(axis=-1))
        grad = pool.input_grad({}, x, np.ones_like(out), choice)
        assert np.array_equal(grad, (x == np.repeat(out, 2, axis=-1)).astype(float))


@pytest.mark.parametrize(("samples", "batch"), [(1, 1), (5, 2), (6, 4), (7, 7)])
def test_the_kept_batches_are_the_cursors(samples: int, batch: int) -> None:
    scenario = load("digits")
    scenario.samples = SampleSet(scenario.samples.x[:samples], scenario.samples.y[:samples])
    scenario.batch_size = batch
    trainer = Trainer(scenario)
    for iteration in range(1, 3 * samples + 2):
        x, y = trainer.batch(iteration)
        if trainer._batches is not None:
            kx, ky, labels, unit = trainer._batches[(iteration - 1) % len(trainer._batches)]
            assert np.array_equal(kx, x) and np.array_equal(ky, y)
            assert labels is not None and np.array_equal(labels, y.argmax(axis=1))
            assert unit  # one-hot targets: each sums to exactly 1
    wraps = any((k * batch) % samples + batch > samples for k in range(samples))
    assert (trainer._batches is None) == wraps


def test_plain_sgd_bound_once_is_update() -> None:
    sgd = get_optimizer("sgd")
    rng = np.random.default_rng(4)
    w, g = rng.normal(size=50), rng.normal(size=50)
    plain = {"momentum": 0.0, "dampening": 0.0, "nesterov": False, "weight_decay": 0.0}
    hyper = Hyper(0.3, 7, plain)
    new, state = sgd.bound_update(plain)(w, g, {}, hyper)
    expected, expected_state = sgd.update(w, g, {}, hyper)
    assert new.tobytes() == expected.tobytes() and state == expected_state == {}
    momentum = {**plain, "momentum": 0.9}
    assert sgd.bound_update(momentum) == sgd.update
    assert sgd.bound_update({**plain, "weight_decay": 0.1}) == sgd.update


def test_softmax_cross_entropy_delta_of_one_sample() -> None:
    rng = np.random.default_rng(5)
    for _ in range(200):
        a = rng.dirichlet(np.ones(4))[None]
        for y in (np.eye(4)[rng.integers(4)][None], np.array([[0.25, 0.25, 0.5, 0.0]]),
                  np.array([[0.3, 0.3, 0.3, 0.3]])):  # one-hot, soft, and targets not summing to 1
            general = (a * y.sum(axis=-1, keepdims=True) - y) / a.shape[0]
            assert _softmax_ce_delta(a, y).tobytes() == general.tobytes()


def test_a_kept_view_follows_its_array_and_is_made_again_for_another() -> None:
    from core.nn.layers.kept_view import KeptView

    made: list[int] = []
    kept = KeptView(lambda a: (made.append(1), a.reshape(2, 2))[1])
    first = np.arange(4.0)
    view = kept(first)
    assert kept(first) is view and len(made) == 1  # the same array: the same view, made once
    first[0] = 7.0  # training's in-place update shows through
    assert kept(first)[0, 0] == 7.0
    other = np.arange(4.0)  # the stepper's new array: a new view of it
    assert kept(other) is not view and kept(other)[0, 0] == 0.0 and len(made) == 2


@pytest.mark.parametrize("batch", [1, 3])
def test_the_unit_delta_is_the_delta_for_targets_that_sum_to_one(batch: int) -> None:
    fused = get_loss("cross_entropy").fused_with("softmax")
    assert fused is not None and fused.unit_delta is not None
    rng = np.random.default_rng(6)
    for _ in range(100):
        a = rng.dirichlet(np.ones(4), size=batch)
        y = np.eye(4)[rng.integers(4, size=batch)]
        y[0] = [0.25, 0.25, 0.5, 0.0]  # a soft target that sums to exactly 1 as well
        assert targets_sum_to_one(y)
        assert fused.unit_delta(a, y).tobytes() == fused.delta(a, y).tobytes()
    assert not targets_sum_to_one(np.array([[0.3, 0.3, 0.3, 0.3]]))
    assert not targets_sum_to_one(np.array([[1.0, 0.0], [0.5, 0.25]]))  # every sample must


def test_a_trainer_with_targets_that_do_not_sum_to_one_takes_the_general_delta() -> None:
    scenario = load("tiny-cnn")
    scenario.samples = SampleSet(scenario.samples.x, np.array([[0.7, 0.2]]))  # an edited target: 0.9
    trainer = Trainer(scenario)
    assert trainer._batches is not None and trainer._batches[0][3] is False
    params = scenario.params
    for _ in range(3):
        loss, grads, _ = gradients(scenario.network, params, scenario.samples.x, scenario.samples.y)
        assert trainer.step() == loss
        new, _ = update_params(scenario.network, scenario.optimizer, scenario.learning_rate, params, grads,
                               OptimizerState())
        params = {**params, **new}
        for layer, ps in trainer.params.items():
            for kind, value in ps.items():
                assert value.tobytes() == params[layer][kind].tobytes(), f"{layer}.{kind}"


def test_softmax_cross_entropy_of_an_underflowed_output_is_taken_from_the_logits() -> None:
    z = np.array([[0.0, 800.0, -900.0]])  # a = softmax(z) holds exact zeros
    a = softmax(z)
    assert a.min() == 0.0
    for y in (np.array([[1.0, 0.0, 0.0]]), np.array([[0.0, 0.0, 1.0]]), np.array([[0.0, 1.0, 0.0]])):
        shifted = z - z.max()
        expected = float(-(y * (shifted - np.log(np.exp(shifted).sum()))).sum())
        with np.errstate(divide="raise", invalid="raise", over="raise"):  # ln 0 is never taken
            assert softmax_cross_entropy(z, y, a) == expected
            assert np.isfinite(softmax_cross_entropy(z, y, a))
    ordinary = np.array([[0.3, -0.2, 0.1]])
    a = softmax(ordinary)
    y = np.array([[0.0, 1.0, 0.0]])
    assert softmax_cross_entropy(ordinary, y, a) == -float(np.log(a[0, 1]))  # ln a itself: one term


def test_activations_without_settings_run_their_own_functions() -> None:
    rng = np.random.default_rng(7)
    z = rng.normal(size=(2, 3))
    for name, function in (("sigmoid", sigmoid), ("softmax", softmax), ("relu", relu), ("tanh", np.tanh)):
        activation = get_activation(name)
        assert activation.forward is function
        assert activation.forward(z).tobytes() == activation.value(z, activation.settings).tobytes()
    g = rng.normal(size=z.shape)
    for name in ("sigmoid", "relu", "linear"):
        activation = get_activation(name)
        a = activation.forward(z)
        assert activation.delta(z, a, g).tobytes() == (g * activation.derivative(z, a)).tobytes()
    leaky = get_activation("leaky_relu", {"negative_slope": 0.2})  # settings: the bound methods
    assert leaky.forward(z).tobytes() == np.where(z > 0, z, 0.2 * z).tobytes()


def test_sigmoid_of_a_small_array_is_the_logaddexp_form() -> None:
    z = np.concatenate([np.linspace(-40, 40, 97), [-800.0, 800.0, 0.0, -0.0]]).reshape(1, 101)
    with np.errstate(all="ignore"):
        assert sigmoid(z).tobytes() == np.exp(-np.logaddexp(0.0, -z)).tobytes()
    view = np.arange(12.0).reshape(3, 4).T / 7  # not contiguous: the same layout as before
    assert sigmoid(view).strides == np.exp(-np.logaddexp(0.0, -view)).strides


def test_a_sequential_sum_is_numpys_sum_of_a_few_values() -> None:
    rng = np.random.default_rng(8)
    specials = [0.0, -0.0, np.inf, -np.inf, np.nan, 1e308, -1e308, 5e-324]
    for n in range(1, SEQUENTIAL):
        for trial in range(3000):
            values = rng.normal(size=n) * 10.0 ** rng.integers(-8, 8, size=n)
            if trial % 3 == 0:  # signed zeros, infinities, NaN and overflow among them
                picks = rng.integers(0, n, size=rng.integers(1, n + 1))
                values[picks] = rng.choice(specials, size=len(picks))
            row = values[None]
            with np.errstate(all="ignore"):
                expected = np.add.reduce(row, axis=-1, keepdims=True)[0, 0]
                flat = np.add.reduce(row, axis=None)
            got = sequential_sum(row.tolist()[0])
            assert np.float64(got).tobytes() == expected.tobytes() == flat.tobytes(), values
            with np.errstate(all="ignore"):
                assert all_positive(row.tolist()[0]) == bool(np.minimum.reduce(row, axis=None) > 0.0), values


def test_softmax_and_its_loss_of_one_sample_are_the_general_route() -> None:
    rng = np.random.default_rng(9)
    specials = [0.0, -0.0, np.inf, -np.inf, np.nan, 800.0, -800.0]
    for n in range(1, SEQUENTIAL + 2):
        for trial in range(400):
            z = rng.normal(size=(1, n)) * 10.0 ** rng.integers(-3, 3)
            if trial % 4 == 0:
                z[0, rng.integers(0, n)] = rng.choice(specials)
            y = np.eye(n)[rng.integers(n)][None]
            with np.errstate(all="ignore"):
                general = z - np.maximum.reduce(z, axis=-1, keepdims=True)
                np.exp(general, general)
                general /= np.add.reduce(general, axis=-1, keepdims=True)
                a = softmax(z)
                assert a.tobytes() == general.tobytes(), z
                loss = softmax_cross_entropy(z, y, a)
                if np.minimum.reduce(general, axis=None) > 0.0:  # the general route: ln a itself
                    expected = -float(np.add.reduce(y * np.log(general), axis=None))
                else:  # from the logits
                    shifted = z - z.max(axis=-1, keepdims=True)
                    expected = -float((y * (shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True)))).sum())
            assert np.float64(loss).tobytes() == np.float64(expected).tobytes(), z
            twice = np.concatenate([z, z])  # two samples: NumPy's reductions
            with np.errstate(all="ignore"):
                assert softmax(twice)[1].tobytes() == general[0].tobytes()


def test_dot_is_matmuls_product_to_the_bit_for_the_layers_operand_layouts() -> None:
    """Dense and the small convolution multiply with ``.dot`` (less dispatch than ``@``):
    the same OpenBLAS product, so the same floats — signed zeros, ∞ and NaN included — for the
    layouts they pass: x·Wᵀ (a transposed view), δ·W, δᵀ·x into an array, W·cols."""
    rng = np.random.default_rng(7)
    specials = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1e-310, -1e308])
    with np.errstate(all="ignore"):  # (∞ − ∞ and the like, on purpose)
        _dot_cases(rng, specials)


def _dot_cases(rng: np.random.Generator, specials: np.ndarray) -> None:
    for _ in range(400):
        m, n, k = (int(v) for v in rng.integers(1, 40, size=3))
        a, w, d = rng.normal(size=(m, n)), rng.normal(size=(k, n)), rng.normal(size=(m, k))
        if rng.random() < 0.3:  # some special values in the operands
            a.flat[rng.integers(0, a.size, size=2)] = rng.choice(specials, size=2)
        if rng.random() < 0.3:
            d[...] = 0.0 * np.sign(rng.normal(size=d.shape)) * -1  # signed zeros only
        assert a.dot(w.T).tobytes() == np.matmul(a, w.T).tobytes()
        assert d.dot(w).tobytes() == (d @ w).tobytes()
        into = np.empty((k, n))
        np.dot(d.T, a, out=into)
        assert into.tobytes() == (d.T @ a).tobytes()
        assert w.dot(a.T).tobytes() == (w @ a.T).tobytes()


def test_the_shared_constants_are_read_only_and_give_a_python_floats_results() -> None:
    from core.nn.constants import ONE, ZERO

    with pytest.raises(ValueError):
        ZERO[()] = 1.0
    values = np.array([-0.0, 0.0, -2.5, 3e-320, np.inf, -np.inf, np.nan, 1e308])
    with np.errstate(all="ignore"):
        assert np.add(values, ZERO).tobytes() == np.add(values, 0.0).tobytes()  # −0 + 0 = +0 both ways
        assert (ONE - values).tobytes() == (1.0 - values).tobytes()
        assert np.logaddexp(ZERO, values).tobytes() == np.logaddexp(0.0, values).tobytes()
        assert np.maximum(values, ZERO).tobytes() == np.maximum(values, 0.0).tobytes()
