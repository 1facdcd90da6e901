"""Every route through the fast conv and pool code gives the textbook numbers.

The window layers pick a route by size (core/nn/layers/spatial.py ``SMALL``): small batches
gather with a cached index table and add back with ``np.bincount``; larger ones copy
strided views and loop over kernel offsets, and max-pools whose stride equals their size
take a row-then-column route. Each route is forced here (by setting ``SMALL``) and
compared with plain loops over every window, on inputs with many ties (max-pool must pick
the first maximum, row-major), padding, strides, windows that do not fit, 1-D and 2-D,
and on non-contiguous inputs (layers hand each other transposed views).
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from core.nn.activations import get_activation
from core.nn.layers import pool as pool_module
from core.nn.layers import spatial
from core.nn.layers.conv import Conv
from core.nn.layers.pool import Pool

ROUTES = {"gather": 10**9, "strided": 0}
# (SMALL, pool.GATHER_WINDOWS): a max-pool may take the strided forward and the gather
# backward (many windows in a small batch), so its strided cache must serve bincount too
POOL_ROUTES = {"gather": (10**9, 10**9), "strided": (0, 0), "strided-then-gather": (10**9, 0)}

CASES = [  # (in_shape, kernel, stride)
    ((2, 6, 7), (2, 2), (2, 2)),  # tiled, last column dropped
    ((3, 8, 8), (3, 3), (3, 3)),  # tiled 3×3, edges dropped
    ((1, 5, 5), (2, 2), (1, 1)),  # overlapping
    ((2, 7, 6), (3, 2), (2, 1)),  # uneven kernel and stride
    ((2, 7, 9), (2, 2), (3, 3)),  # gaps between windows
    ((2, 9), (1, 3), (1, 3)),  # 1-D tiled
    ((3, 10), (1, 3), (1, 2)),  # 1-D overlapping
]


def as_grid(x: np.ndarray) -> np.ndarray:
    return x[:, :, None, :] if x.ndim == 3 else x


def windows(shape, kernel, stride):
    """(output index, list of input (row, col) in row-major kernel order) for every window."""
    h, w = (1, shape[1]) if len(shape) == 2 else shape[1:]
    oh, ow = (h - kernel[0]) // stride[0] + 1, (w - kernel[1]) // stride[1] + 1
    for i, j in itertools.product(range(oh), range(ow)):
        yield (i, j), [(i * stride[0] + a, j * stride[1] + b)
                       for a, b in itertools.product(range(kernel[0]), range(kernel[1]))]


def batch(rng, shape, b=3, ties=True, transposed=False):
    x = rng.integers(0, 3, (b, *shape)).astype(float) if ties else rng.standard_normal((b, *shape))
    if transposed:  # same values, channel-major memory: what a conv layer hands on
        x = np.ascontiguousarray(x.swapaxes(0, 1)).swapaxes(0, 1)
    return x


@pytest.fixture(params=sorted(ROUTES))
def route(request, monkeypatch):
    monkeypatch.setattr(spatial, "SMALL", ROUTES[request.param])
    return request.param


@pytest.fixture(params=sorted(POOL_ROUTES))
def pool_route(request, monkeypatch):
    small, windows = POOL_ROUTES[request.param]
    monkeypatch.setattr(spatial, "SMALL", small)
    monkeypatch.setattr(pool_module, "GATHER_WINDOWS", windows)
    return request.param


@pytest.mark.parametrize("transposed", [False, True])
@pytest.mark.parametrize("shape,kernel,stride", CASES)
def test_max_pool_matches_loops(pool_route, shape, kernel, stride, transposed) -> None:
    rng = np.random.default_rng(1)
    pool = Pool("pool", shape, "max", kernel, stride)
    x = batch(rng, shape, transposed=transposed)
    _, out, choice = pool.forward({}, x)
    inferred = pool.infer({}, x)  # evaluation's route: the maxima alone
    assert inferred.tobytes() == out.tobytes() and inferred.strides == out.strides
    up = rng.standard_normal(out.shape)
    grad = pool.input_grad({}, x, up, choice)
    want_out = np.zeros(as_grid(out).shape)
    want_grad = np.zeros(as_grid(x).shape)
    gx, gup = as_grid(x), as_grid(up)
    ow = want_out.shape[-1]
    for b, c in itertools.product(range(x.shape[0]), range(x.shape[1])):
        for (i, j), cells in windows(shape, kernel, stride):
            values = [gx[b, c, r, s] for r, s in cells]
            k = int(np.argmax(values))  # the first maximum
            want_out[b, c, i, j] = values[k]
            assert choice[b, c, i * ow + j] == k
            assert pool.source_offset(choice, b, c, i * ow + j) == k
            want_grad[b, c][cells[k]] += gup[b, c, i, j]
    assert out.shape == (x.shape[0], *pool.out_shape)
    assert np.array_equal(as_grid(out), want_out)
    assert grad.shape == x.shape
    assert np.allclose(as_grid(grad), want_grad, rtol=0, atol=1e-15)


@pytest.mark.parametrize("shape,kernel,stride", CASES)
def test_avg_pool_matches_loops(route, shape, kernel, stride) -> None:
    rng = np.random.default_rng(2)
    pool = Pool("pool", shape, "avg", kernel, stride)
    x = batch(rng, shape, ties=False, transposed=True)
    _, out, cache = pool.forward({}, x)
    up = rng.standard_normal(out.shape)
    grad = pool.input_grad({}, x, up, cache)
    gx, gup, gout = as_grid(x), as_grid(up), as_grid(out)
    want_grad = np.zeros(gx.shape)
    n = kernel[0] * kernel[1]
    for b, c in itertools.product(range(x.shape[0]), range(x.shape[1])):
        for (i, j), cells in windows(shape, kernel, stride):
            assert gout[b, c, i, j] == pytest.approx(np.mean([gx[b, c, r, s] for r, s in cells]), abs=1e-14)
            for cell in cells:
                want_grad[b, c][cell] += gup[b, c, i, j] / n
    assert np.allclose(as_grid(grad), want_grad, rtol=0, atol=1e-14)


@pytest.mark.parametrize("padding", [0, 1, 2])
@pytest.mark.parametrize("transposed", [False, True])
@pytest.mark.parametrize("shape,kernel,stride", CASES)
def test_conv_matches_loops(route, shape, kernel, stride, padding, transposed) -> None:
    rng = np.random.default_rng(3)
    dims = len(shape) - 1
    pad = (0, padding) if dims == 1 else (padding, padding)
    filters = 4
    conv = Conv("conv", shape, filters, kernel, stride, pad, get_activation("tanh"))
    params = {k: rng.standard_normal(s) for k, s in conv.param_shapes().items()}
    x = batch(rng, shape, ties=False, transposed=transposed)
    net, out, cache = conv.forward(params, x)
    delta = rng.standard_normal(net.shape)
    grad = conv.input_grad(params, x, delta, cache)
    grads = conv.param_grads(x, delta, cache)

    gx = as_grid(x)
    padded = np.pad(gx, ((0, 0), (0, 0), (pad[0], pad[0]), (pad[1], pad[1])))
    weight = params["weight"].reshape(filters, shape[0], *kernel)
    gnet, gdelta = as_grid(net), as_grid(delta)
    padded_shape = (padded.shape[2], padded.shape[3])
    want_grad = np.zeros(padded.shape)
    want_gw = np.zeros(weight.shape)
    for b, f in itertools.product(range(x.shape[0]), range(filters)):
        for (i, j), cells in windows((shape[0], *padded_shape), kernel, stride):
            rows = slice(cells[0][0], cells[-1][0] + 1)
            cols = slice(cells[0][1], cells[-1][1] + 1)
            patch = padded[b, :, rows, cols]
            assert gnet[b, f, i, j] == pytest.approx(np.sum(weight[f] * patch) + params["bias"][f], abs=1e-12)
            want_grad[b, :, rows, cols] += gdelta[b, f, i, j] * weight[f]
            want_gw[f] += gdelta[b, f, i, j] * patch
    want_grad = want_grad[:, :, pad[0]:pad[0] + gx.shape[2], pad[1]:pad[1] + gx.shape[3]]
    assert net.shape == (x.shape[0], *conv.out_shape)
    assert np.allclose(out, np.tanh(net), rtol=0, atol=1e-15)
    assert grad.shape == x.shape
    assert np.allclose(as_grid(grad), want_grad, rtol=0, atol=1e-12)
    assert np.allclose(grads["weight"], want_gw.reshape(params["weight"].shape), rtol=0, atol=1e-12)
    assert np.allclose(grads["bias"], delta.reshape(x.shape[0], filters, -1).sum(axis=(0, 2)), atol=1e-12)


def test_gather_tables_are_cached_per_batch_size() -> None:
    conv = Conv("conv", (1, 8, 8), 2, (3, 3), (1, 1), (1, 1), get_activation("relu"))
    g = conv.geometry
    assert g.gather_index(4) is g.gather_index(4)
    assert g.gather_index(4).shape == (9, 4 * 64)
    assert g.gather_index(1).max() == 64  # the zero appended after the input, for the padding
