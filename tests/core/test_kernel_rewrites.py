"""The rewritten kernels give the very floats of the plain NumPy expressions they replace.

Batch norm and Adam write their intermediate results into arrays they made, a convolution's
input gradient makes its product a run of kernel offsets at a time, and its weight gradient may
run as (columns @ δᵀ)ᵀ: each must give the same bits as the expression it stands for (the
solve JSON, the worked example and the torch agreement depend on them), in the same memory
layout (NumPy sums in memory order, so a layout change would move every later sum's last
bits), and must never write an input. The plain expressions are written out here. The one
deliberate exception: batch norm's input gradient over channels of 8,192 values or more is
torch's form (γ/σ)·(δ − Σδ/N − x̂·Σδ·x̂/N), checked bit for bit against that form and to
1e-12 against the three-term one.
"""

from __future__ import annotations

import numpy as np
import pytest
from fixtures.helpers import random_samples, scenario_text

from core.engine.stepper import Stepper
from core.engine.training import Trainer
from core.nn import blas_probe
from core.nn.activations import get_activation
from core.nn.layers import batchnorm_rows as by_channel
from core.nn.layers import spatial
from core.nn.layers.base import Context
from core.nn.layers.batchnorm import BatchNorm
from core.nn.layers.conv import Conv
from core.nn.optim import Hyper, get_optimizer, parse_optimizer
from core.nn.optim.adam import adam_step
from core.scenario.load import parse_scenario


def same(a: np.ndarray, b: np.ndarray) -> bool:
    """The same floats (signed zeros included), the same shape and the same memory layout."""
    return a.shape == b.shape and a.strides == b.strides and a.tobytes() == b.tobytes()


# --- Adam -------------------------------------------------------------------------------
def plain_adam(param, grad, m, v, hyper, decay):
    """torch's _single_tensor_adam as plain expressions (m, v None: not started)."""
    beta1, beta2 = hyper.numbers("betas")
    if decay:
        grad = grad + decay * param
    start = np.zeros_like(param) if m is None else m
    weight = 1 - beta1
    m = start + weight * (grad - start) if abs(weight) < 0.5 else grad - (grad - start) * (1 - weight)
    v = (np.zeros_like(param) if v is None else v) * beta2 + (1 - beta2) * grad * grad
    step_size = hyper.learning_rate / (1 - beta1 ** hyper.step)
    denom = np.sqrt(v) / (1 - beta2 ** hyper.step) ** 0.5 + hyper.number("eps")
    return param - step_size * (m / denom), m, v


@pytest.mark.parametrize("betas", [(0.9, 0.999), (0.3, 0.6)])  # both of torch.lerp's forms
@pytest.mark.parametrize("decay", [0.0, 0.01])
@pytest.mark.parametrize("started", [False, True])
def test_adam_gives_the_plain_expressions_floats(betas, decay, started) -> None:
    rng = np.random.default_rng(7)
    param, grad = rng.standard_normal(500), rng.standard_normal(500) * 1e-3
    grad[:5] = 0.0  # zero gradients (m, v stay 0; signed zeros must match)
    grad[5:10] = -0.0
    state = {"exp_avg": rng.standard_normal(500) * 1e-3, "exp_avg_sq": rng.random(500) * 1e-6} if started else {}
    config, _ = parse_optimizer({"type": "adam", "betas": list(betas), "weight_decay": decay})
    hyper = Hyper(0.01, 3 if started else 1, config.options)
    given = [param.copy(), grad.copy(), *(a.copy() for a in state.values())]
    new, after = adam_step(param, grad, state, hyper, decay)
    want, m, v = plain_adam(param, grad, state.get("exp_avg"), state.get("exp_avg_sq"), hyper, decay)
    assert same(new, want) and same(after["exp_avg"], m) and same(after["exp_avg_sq"], v)
    for before, now in zip(given, [param, grad, *state.values()]):
        assert same(before, now)  # no input written
    handed = [new, after["exp_avg"], after["exp_avg_sq"]]
    assert not any(np.shares_memory(a, b) for a in handed for b in [param, grad, *state.values()])
    assert not np.shares_memory(handed[0], handed[1]) and not np.shares_memory(handed[1], handed[2])


def test_adamw_runs_the_same_step_on_the_shrunk_weights() -> None:
    rng = np.random.default_rng(8)
    param, grad = rng.standard_normal(300), rng.standard_normal(300)
    config, _ = parse_optimizer({"type": "adamw", "weight_decay": 0.1})
    hyper = Hyper(0.01, 1, config.options)
    new, after = get_optimizer("adamw").update(param, grad, {}, hyper)
    want, m, v = plain_adam(param * (1 - 0.01 * 0.1), grad, None, None, hyper, 0.0)
    assert same(new, want) and same(after["exp_avg"], m) and same(after["exp_avg_sq"], v)


# --- batch norm ---------------------------------------------------------------------------
def plain_batch_norm(layer, params, x, training, state):
    """forward_in's arithmetic as plain expressions: (net, x̂, std, mean, var)."""
    axes = (0, *range(2, x.ndim))
    shape = (1, layer.channels) + (1,) * (x.ndim - 2)
    if training:
        mean = x.mean(axis=axes)
        centred = x - mean.reshape(shape)
        var = (centred * centred).mean(axis=axes)
    else:
        mean, var = state["running_mean"], state["running_var"]
        centred = x - mean.reshape(shape)
    std = np.sqrt(var + layer.eps)
    xhat = centred / std.reshape(shape)
    net = params["weight"].reshape(shape) * xhat + params["bias"].reshape(shape)
    return net, xhat, std, mean, var


def plain_input_grad(layer, params, upstream, xhat, std):
    axes = (0, *range(2, upstream.ndim))
    shape = (1, layer.channels) + (1,) * (upstream.ndim - 2)
    n = upstream.size // layer.channels
    g = upstream * params["weight"].reshape(shape)
    s1 = g.sum(axis=axes).reshape(shape)
    s2 = (g * xhat).sum(axis=axes).reshape(shape)
    return (1.0 / (n * std.reshape(shape))) * (n * g - s1 - xhat * s2)


def torch_form_input_grad(layer, params, upstream, xhat, std):
    """(γ/σ)·(δ − Σδ/N − x̂·Σδ·x̂/N): the big channels' form (torch's), as plain expressions."""
    axes = (0, *range(2, upstream.ndim))
    shape = (1, layer.channels) + (1,) * (upstream.ndim - 2)
    n = upstream.size // layer.channels
    mean_delta = (upstream.sum(axis=axes) / n).reshape(shape)
    mean_product = ((upstream * xhat).sum(axis=axes) / n).reshape(shape)
    return (upstream - mean_delta - xhat * mean_product) * (params["weight"] / std).reshape(shape)


def channel_major(a: np.ndarray) -> np.ndarray:
    """The same values laid out channel by channel (as a conv layer hands its output on)."""
    return np.ascontiguousarray(a.swapaxes(0, 1)).swapaxes(0, 1)


LAYOUTS = [  # (input shape per sample, kind, channel-major input?, channel-major upstream?)
    ((5,), "batchnorm1d", False, False),
    ((3, 7), "batchnorm1d", False, False),
    ((3, 7), "batchnorm1d", True, True),
    ((2, 5, 6), "batchnorm2d", False, False),
    ((2, 5, 6), "batchnorm2d", True, True),
    ((2, 5, 6), "batchnorm2d", True, False),  # δ laid out otherwise than x̂: the plain expression
    ((2, 32, 43), "batchnorm2d", True, True),  # channels of 8,256 values: one channel at a time
    ((2, 32, 43), "batchnorm2d", True, False),
    ((3, 1400), "batchnorm1d", True, True),
]


@pytest.mark.parametrize("shape,kind,major,up_major", LAYOUTS)
def test_batch_norm_gives_the_plain_expressions_floats(shape, kind, major, up_major) -> None:
    rng = np.random.default_rng(9)
    layer = BatchNorm("bn", shape, kind, 0.1, 1e-5, get_activation("relu"))
    params = {"weight": rng.standard_normal(shape[0]), "bias": rng.standard_normal(shape[0])}
    x = rng.standard_normal((6, *shape)) * 3 + 1
    x = channel_major(x) if major else x
    x_before = x.copy(order="K")
    for training in (True, False):
        state = {"running_mean": rng.standard_normal(shape[0]), "running_var": rng.random(shape[0]) + 0.5}
        result = layer.forward_in(params, [x], Context(training, state))
        net, xhat, std, mean, var = plain_batch_norm(layer, params, x, training, state)
        assert same(result.net, net) and same(result.cache[0], xhat) and same(result.cache[1], std)
        assert same(result.out, np.maximum(net, 0.0))
        if training:
            assert same(result.values["mean"], mean) and same(result.values["var"], var)
            assert same(result.values["xhat"], xhat)
        assert not np.shares_memory(result.net, result.cache[0])
        upstream = rng.standard_normal(x.shape)
        upstream = channel_major(upstream) if up_major else upstream
        up_before = upstream.copy(order="K")
        grad = layer.input_grad(params, x, upstream, result.cache)
        big = by_channel.channel_rows(upstream, shape[0]) is not None and \
            by_channel.channel_rows(result.cache[0], shape[0]) is not None
        if training and big:  # torch's form, from the sums of the parameter gradients
            assert same(grad, torch_form_input_grad(layer, params, upstream, xhat, std))
            assert np.allclose(grad, plain_input_grad(layer, params, upstream, xhat, std), rtol=1e-12, atol=1e-15)
        elif training:
            assert same(grad, plain_input_grad(layer, params, upstream, xhat, std))
        else:
            assert same(grad, upstream * params["weight"].reshape(net.shape[1:2] + (1,) * (x.ndim - 2))
                        / std.reshape(net.shape[1:2] + (1,) * (x.ndim - 2)))
        assert same(upstream, up_before) and not np.shares_memory(grad, upstream)
        axes = (0, *range(2, x.ndim))
        want = {"weight": (upstream * xhat).sum(axis=axes), "bias": upstream.sum(axis=axes)}
        into = {k: np.full(shape[0], np.nan) for k in want}  # training's buffers
        for got in (layer.param_grads(x, upstream, result.cache), layer.param_grads(x, upstream, result.cache, into)):
            assert same(got["weight"], want["weight"]) and same(got["bias"], want["bias"])
        assert same(upstream, up_before)
        assert big == (up_major and x.size >= shape[0] * by_channel.ROW_VALUES)  # the route taken
        if training and big:  # after param_grads, input_grad is the one it took with its sums: the same floats
            again = layer.input_grad(params, x, upstream, result.cache)
            assert same(again, grad) and not np.shares_memory(again, grad)
            later = layer.input_grad(params, x, upstream, result.cache)  # handed out once, then made again
            assert same(later, grad) and not np.shares_memory(later, again)
    assert same(x, x_before)


# --- convolution ------------------------------------------------------------------------------
CONVS = [  # (in_shape, filters, kernel, stride, padding, batch)
    ((6, 12, 12), 16, (5, 5), (1, 1), (0, 0), 8),  # LeNet's second conv: both rewrites
    ((3, 9, 9), 8, (3, 3), (2, 2), (1, 1), 16),
    ((4, 7, 8), 24, (3, 2), (1, 2), (2, 1), 12),
    ((2, 40), 8, (1, 5), (1, 2), (0, 2), 64),  # 1-D
    ((1, 10, 10), 8, (3, 3), (1, 1), (1, 1), 40),  # one input channel: the whole product
]


@pytest.mark.parametrize("in_shape,filters,kernel,stride,padding,batch", CONVS)
def test_conv_gradients_give_the_plain_products_floats(monkeypatch, in_shape, filters, kernel, stride, padding,
                                                       batch) -> None:
    monkeypatch.setattr(spatial, "SMALL", 0)  # the large-batch route, at test sizes
    rng = np.random.default_rng(10)
    conv = Conv("conv", in_shape, filters, kernel, stride, padding, get_activation("linear"))
    params = {k: rng.standard_normal(s) for k, s in conv.param_shapes().items()}
    x = channel_major(rng.standard_normal((batch, *in_shape)))
    net, _, cols = conv.forward(params, x)
    delta = channel_major(rng.standard_normal(net.shape))
    weights = params["weight"].reshape(filters, -1)
    b = batch
    rows = delta.reshape(b, filters, -1).transpose(1, 2, 0).reshape(filters, -1)
    want_grad = conv.geometry.add_columns(weights.T @ rows, x.shape)
    assert same(conv.input_grad(params, x, delta, cols), want_grad)
    d = delta.reshape(b, filters, -1).swapaxes(0, 1).reshape(filters, -1)
    want_weight = (d @ cols.T).reshape(params["weight"].shape)
    grads = conv.param_grads(x, delta, cols)
    assert grads["weight"].tobytes() == want_weight.tobytes()
    into = {k: np.full(s, np.nan) for k, s in conv.param_shapes().items()}  # training's buffers
    conv.param_grads(x, delta, cols, into)
    assert into["weight"].tobytes() == want_weight.tobytes()
    assert into["bias"].tobytes() == grads["bias"].tobytes() == d.sum(axis=1).tobytes()


def random_convs(count: int) -> list[tuple[tuple[int, ...], int, tuple[int, int], int]]:
    """LeNet's two convs at batch 32, then random (in_shape, filters, kernel, batch)."""
    rng = np.random.default_rng(15)
    convs: list[tuple[tuple[int, ...], int, tuple[int, int], int]] = [
        ((1, 28, 28), 6, (5, 5), 32), ((6, 12, 12), 16, (5, 5), 32)]
    while len(convs) < count:
        size = int(rng.integers(3, 20))
        k = int(rng.integers(1, min(size, 6) + 1))
        convs.append(((int(rng.integers(1, 9)), size, size), int(rng.integers(1, 40)), (k, k),
                      int(rng.integers(1, 48))))
    return convs


@pytest.mark.parametrize("in_shape,filters,kernel,batch", random_convs(40))
def test_the_weight_gradient_is_the_matmul_products_floats(in_shape, filters, kernel, batch) -> None:
    """The weight gradient is made by ``np.dot`` (it lets go of the GIL where ``@`` holds it
    for this long, thin product): the very floats of ``d @ colsᵀ``, on every route."""
    rng = np.random.default_rng(batch * 1000 + filters)
    conv = Conv("conv", in_shape, filters, kernel, (1, 1), (0, 0), get_activation("linear"))
    params = {k: rng.standard_normal(s) for k, s in conv.param_shapes().items()}
    x = channel_major(rng.standard_normal((batch, *in_shape)))
    net, _, cols = conv.forward(params, x)
    delta = channel_major(rng.standard_normal(net.shape))
    d = conv._rows(delta)
    want = np.matmul(d, cols.T).reshape(params["weight"].shape)
    into = {k: np.full(s, np.nan) for k, s in conv.param_shapes().items()}
    conv.param_grads(x, delta, cols, into)
    assert into["weight"].tobytes() == want.tobytes()
    assert conv.param_grads(x, delta, cols)["weight"].tobytes() == want.tobytes()


def test_the_input_gradient_takes_the_per_offset_route_where_it_is_safe(monkeypatch) -> None:
    monkeypatch.setattr(spatial, "SMALL", 0)
    taken: list[int] = []
    original = spatial.Geometry.add_products

    def spy(self, weights, rows, shape, out=None, group=0):
        taken.append(rows.shape[1])
        return original(self, weights, rows, shape, out, group)

    monkeypatch.setattr(spatial.Geometry, "add_products", spy)
    rng = np.random.default_rng(11)
    # this machine's BLAS, for the first shape (in runs of offsets as add_products makes them)
    agrees = spatial.offset_products_agree(6, 25, 16, 64, 8, spatial.offsets_per_product(6, 25, 64, 8))
    for in_shape, batch, expected in (((6, 12, 12), 8, [512] if agrees else []), ((6, 11, 11), 3, []),
                                      ((1, 12, 12), 8, [])):
        conv = Conv("conv", in_shape, 16, (5, 5), (1, 1), (0, 0), get_activation("linear"))
        params = {k: rng.standard_normal(s) for k, s in conv.param_shapes().items()}
        x = rng.standard_normal((batch, *in_shape))
        net, _, cols = conv.forward(params, x)
        conv.input_grad(params, x, rng.standard_normal(net.shape), cols)
        assert taken == expected  # 8 × 64 positions; 3 × 49 is no multiple of 8; one channel
        taken.clear()


def test_the_machines_blas_decides_the_per_offset_route(monkeypatch) -> None:
    """The per-offset route is taken only where this machine's BLAS gives the whole product's
    floats (``offset_products_agree``, asked per shape): a rule measured on one CPU failed on
    the next. Refused, the whole product is taken; and over a sweep of shapes the input
    gradient is the plain product's floats whichever route the probe chose."""
    conv = Conv("conv", (6, 12, 12), 16, (5, 5), (1, 1), (0, 0), get_activation("linear"))
    assert conv.geometry.by_offset(16, 8) == \
        spatial.offset_products_agree(6, 25, 16, 64, 8, spatial.offsets_per_product(6, 25, 64, 8))
    monkeypatch.setattr(spatial, "offset_products_agree", lambda *shape: False)
    assert not conv.geometry.by_offset(16, 8)
    monkeypatch.undo()
    monkeypatch.setattr(spatial, "SMALL", 0)
    rng = np.random.default_rng(12)
    for _ in range(24):
        channels, filters = int(rng.integers(2, 7)), int(rng.choice([4, 8, 12, 16, 24]))
        kernel = (int(rng.integers(1, 4)), int(rng.integers(1, 4)))
        in_shape = (channels, int(rng.integers(kernel[0] + 2, 12)), int(rng.integers(kernel[1] + 2, 12)))
        conv = Conv("conv", in_shape, filters, kernel, (1, 1), (0, 0), get_activation("linear"))
        params = {k: rng.standard_normal(s) for k, s in conv.param_shapes().items()}
        batch = int(rng.choice([8, 16, 24]))
        x = channel_major(rng.standard_normal((batch, *in_shape)))
        net, _, cols = conv.forward(params, x)
        delta = channel_major(rng.standard_normal(net.shape))
        rows = delta.reshape(batch, filters, -1).transpose(1, 2, 0).reshape(filters, -1)
        want = conv.geometry.add_columns(params["weight"].reshape(filters, -1).T @ rows, x.shape)
        assert same(conv.input_grad(params, x, delta, cols), want)


def test_runs_of_kernel_offsets_follow_their_rule() -> None:
    """``offsets_per_product``: the fewest even runs whose blocks stay within OFFSETS_BYTES,
    one offset a run at the least and all of them in one where they fit (LeNet's second
    conv at batch 32: 25 offsets of a [6, 2048] block, 98,304 bytes each, in two runs)."""
    assert spatial.offsets_per_product(6, 25, 64, 32) == 13
    assert spatial.offsets_per_product(6, 25, 64, 8) == 25
    assert spatial.offsets_per_product(512, 9, 1024, 64) == 1  # one offset's block alone is past the bytes
    for channels, taps, positions, batch in ((3, 9, 100, 16), (16, 25, 144, 64), (64, 9, 256, 32), (2, 49, 9, 8)):
        group = spatial.offsets_per_product(channels, taps, positions, batch)
        runs = -(-taps // group)
        assert 1 <= group <= taps
        assert group * channels * positions * batch * 8 <= spatial.OFFSETS_BYTES or group == 1
        assert runs == 1 or -(-taps // (runs - 1)) * channels * positions * batch * 8 \
            > spatial.OFFSETS_BYTES  # no fewer runs would do


@pytest.mark.parametrize("group", [1, 2, 7, 13, 25])
def test_every_run_of_offsets_gives_the_whole_products_floats_where_the_probe_says_so(group: int) -> None:
    """The input gradient in runs of ``group`` offsets (the last one shorter where ``group``
    does not divide 25) is the plain ``add_columns(wᵀ·rows)``'s floats where
    ``offset_products_agree`` says so for those runs, and within 1e-12 of it in any case;
    the same bits from one run to the next."""
    g = spatial.Geometry((6, 12, 12), (5, 5), (1, 1), (0, 0))
    rng = np.random.default_rng(group)
    weights = rng.standard_normal((16, 150))
    rows = rng.standard_normal((16, 64 * 32))
    shape = (32, 6, 12, 12)
    want = g.add_columns(weights.T @ rows, shape)
    got = g.add_products(weights, rows, shape, group=group)
    assert np.allclose(got, want, rtol=0, atol=1e-12)
    assert g.add_products(weights, rows, shape, group=group).tobytes() == got.tobytes()
    if spatial.offset_products_agree(6, 25, 16, 64, 32, group):
        assert got.tobytes() == want.tobytes()


def test_stepper_and_training_agree_bit_for_bit_over_big_batch_norm_channels(monkeypatch) -> None:
    """conv → batchnorm2d → max-pool, whose batch norm channels hold 16,384 values (64 samples ×
    16×16) laid out channel by channel (the pool's strided route hands them back so): the
    stepper and training both take the big channels' route (the input gradient alone, or with
    the parameter gradients' sums in one pass over the channels) and give the same floats."""
    taken: list[str] = []

    def spy_on(name: str) -> None:
        original = getattr(by_channel, name)

        def spy(*args, **kwargs):
            taken.append(name)
            return original(*args, **kwargs)

        monkeypatch.setattr(by_channel, name, spy)

    spy_on("input_grad")
    spy_on("gradients")
    rng = np.random.default_rng(12)
    layers = [{"name": "conv", "type": "conv2d", "filters": 3, "kernel": 3, "activation": "linear"},
              {"name": "bn", "type": "batchnorm2d", "activation": "relu"},
              {"name": "pool", "type": "maxpool2d", "size": 2},
              {"name": "flat", "type": "flatten"},
              {"name": "out", "type": "dense", "units": 2, "activation": "softmax"}]
    text = scenario_text([1, 18, 18], layers, "cross_entropy", random_samples(rng, (1, 18, 18), 2, "cross_entropy", 64),
                         0.1, 64, extra="optimizer: {type: adam}\n")
    scenario = parse_scenario(text)
    trainer = Trainer(scenario)
    stepper = Stepper(scenario)
    for _ in range(2):
        trainer.step()
        if stepper.phase().stage == "done":
            stepper.advance_to_next()
        stepper.run_iteration()
    stepper.advance_to_next()
    for layer, params in trainer.params.items():
        for name, value in params.items():
            assert value.tobytes() == stepper.params[layer][name].tobytes(), f"{layer}.{name}"
    assert len(taken) >= 4 and "gradients" in taken  # two iterations of each


@pytest.mark.parametrize("in_shape,kernel,padding,batch", [
    ((1, 28, 28), (5, 5), (0, 0), 32),  # LeNet's first conv: 576 positions, 4-sample chunks
    ((2, 9, 9), (3, 3), (1, 1), 24),  # 81 positions: chunks of 8 samples (a multiple of 8 columns)
    ((3, 30), (1, 4), (0, 1), 40),  # 1-D
])
def test_conv_forward_in_chunks_gives_the_whole_products_floats(monkeypatch, in_shape, kernel, padding,
                                                                batch) -> None:
    monkeypatch.setattr(spatial, "SMALL", 0)
    monkeypatch.setattr(spatial, "CHUNK_BYTES", 1 << 14)  # chunks at test sizes
    rng = np.random.default_rng(13)
    conv = Conv("conv", in_shape, 6, kernel, (1, 1), padding, get_activation("relu"))
    params = {k: rng.standard_normal(s) for k, s in conv.param_shapes().items()}
    x = channel_major(rng.standard_normal((batch, *in_shape)))
    samples = conv.geometry.chunk_samples(batch, conv._taps, conv.filters)
    if not samples:  # this machine's BLAS sums these chunks otherwise: the route is not taken here
        pytest.skip("the chunked forward is refused by this machine's BLAS for this shape")
    assert samples < batch and (samples * conv.geometry.table.positions) % 8 == 0
    net, out, cols = conv.forward(params, x)
    want_cols = conv.geometry.columns(x)
    want = params["weight"].reshape(6, -1) @ want_cols
    want += params["bias"].reshape(6, 1)
    want = want.reshape(6, batch, *conv.geometry.out_spatial).swapaxes(0, 1)
    assert same(cols, want_cols) and same(net, want) and same(out, np.maximum(want, 0.0))


def test_conv_forward_chunks_only_a_product_bound_by_memory() -> None:
    lenet = Conv("c2", (6, 12, 12), 16, (5, 5), (1, 1), (0, 0), get_activation("relu"))
    assert lenet.geometry.chunk_samples(32, lenet._taps, lenet.filters) == 0  # 150 taps: bound by arithmetic
    first = Conv("c1", (1, 28, 28), 6, (5, 5), (1, 1), (0, 0), get_activation("relu"))
    agreeing = [n for n in (36, 72) if blas_probe.column_blocks_agree(6, 25, 128 * 576, tuple(range(0, 128 * 576,
                                                                                                n * 576)))]
    # 36-sample chunks (576 positions each, 4 MiB), or the smallest twice as large that this machine's BLAS sums alike
    assert first.geometry.chunk_samples(128, first._taps, first.filters) == (agreeing[0] if agreeing else 0)
    assert first.geometry.chunk_samples(32, first._taps, first.filters) == 0  # columns of 3.7 MB: at once


def test_the_machines_blas_decides_the_chunked_forward(monkeypatch) -> None:
    """The forward's chunks are taken only where this machine's BLAS gives each chunk the whole
    product's floats; refused, the whole product is taken, and its floats are the same."""
    first = Conv("c1", (1, 28, 28), 6, (5, 5), (1, 1), (0, 0), get_activation("relu"))
    monkeypatch.setattr(spatial, "column_blocks_agree", lambda *shape: False)
    assert first.geometry.chunk_samples(128, first._taps, first.filters) == 0
    assert blas_probe.column_blocks_agree(6, 40, 64, (0,))  # one block is the whole product


@pytest.mark.parametrize("rows,inner,columns,starts", [
    (6, 25, 4608, (0, 2304)), (6, 25, 18432, tuple(range(0, 18432, 2304))), (8, 9, 400, (0, 200)),
    (3, 7, 1000, (0, 8, 500)), (16, 150, 2048, (0, 1024)),
])
def test_a_blocks_probe_answers_for_every_operand(rows, inner, columns, starts) -> None:
    """The probe's claim: a kernel's order of summing is fixed by shapes, so its answer for one
    pair of random operands is the answer for others (three other pairs here)."""
    answer = blas_probe.column_blocks_agree(rows, inner, columns, starts)
    for seed in (5, 6, 7):
        rng = np.random.default_rng(seed)
        a, b = rng.standard_normal((rows, inner)) * 3, rng.standard_normal((inner, columns))
        whole = a @ b
        pieces = np.empty_like(whole)
        for start, stop in zip(starts, (*starts[1:], columns)):
            np.matmul(a, b[:, start:stop], out=pieces[:, start:stop])
        assert (pieces.tobytes() == whole.tobytes()) == answer
