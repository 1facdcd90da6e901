"""Batch norm's backward pass one channel at a time, for channels of many values.

A LeNet-sized batch norm holds 110,592 values per array: three such arrays (δ, x̂ and the
result) do not fit in a core's L2 cache together, so each pass over whole arrays reads
from further away. Taken one channel at a time, a channel's values stay in cache from one
pass to the next. Only arrays laid out channel by channel (as a conv layer hands its
output on) whose channels hold ROW_VALUES values or more take this route
(``channel_rows`` says which).

The parameter gradients are the whole-array expressions' own floats: each channel's sum
runs over the same contiguous values in the same order (NumPy's pairwise sum over the
channel's row). The input gradient is taken in torch's form from those two sums, four
passes a channel instead of nine: the same value as the three-term form, with other
roundings, so its last bits may differ (relative differences of about 1e-16). In
training, ``gradients`` takes both in one loop over the channels: a channel's input
gradient right after its two sums, while its rows are still in cache.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import numpy as np

from core.nn.halves import PASSES, both, split_point, split_work

ROW_VALUES = 8192  # values per channel from which the channel-by-channel route pays (fewer: call overhead)


def channel_rows(a: np.ndarray, channels: int) -> np.ndarray | None:
    """``a`` ([B, C, …]) as a ``[C, B·…]`` view when its memory runs channel by channel and
    each channel holds at least ROW_VALUES values; None otherwise."""
    if a.ndim < 2 or a.size < channels * ROW_VALUES:
        return None
    major = a.swapaxes(0, 1)
    if not major.flags.c_contiguous:
        return None
    rows: np.ndarray = major.reshape(channels, -1)
    return rows


def input_grad(up: np.ndarray, xhat: np.ndarray, gamma: np.ndarray, std: np.ndarray, shape: tuple[int, ...],
               sums: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """∂E/∂x = (γ/σ)·(δ − Σδ/N − x̂·Σδ·x̂/N) from ``[C, N]`` rows of δ and x̂, the form torch
    computes: the two sums are the parameter gradients' own (``sums`` = (∂E/∂β, ∂E/∂γ), or
    worked out here the same way), so four passes a channel instead of nine. The same value
    as the three-term form (1/(N·σ))·(N·δ·γ − Σδ·γ − x̂·Σδ·γ·x̂), with other roundings: its
    last bits may differ (see BatchNorm.input_grad for when this route is taken). A
    ``[B, C, …]`` array laid out channel by channel, as the three-term form's."""
    channels, n = up.shape
    if sums is None:
        sums = (np.empty(channels), np.empty(channels))
        param_grads(up, xhat, sums[1], sums[0])
    mean_delta, mean_product = sums[0] / n, sums[1] / n
    scale = gamma / std
    result = np.empty((shape[1], shape[0], *shape[2:]))
    rows = result.reshape(channels, n)

    def run(part: range) -> None:
        scratch = np.empty(n)
        for c in part:
            g = np.subtract(up[c], mean_delta[c], out=rows[c])
            g -= np.multiply(xhat[c], mean_product[c], out=scratch)
            g *= scale[c]

    _in_halves(run, channels, n)
    return result.swapaxes(0, 1)


def gradients(delta: np.ndarray, xhat: np.ndarray, gamma: np.ndarray, std: np.ndarray, shape: tuple[int, ...],
              weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    """``param_grads`` and then ``input_grad`` from their sums, a channel at a time: each
    channel's input gradient is taken right after its two sums, while its rows of δ and x̂
    are still in cache (the separate calls read both arrays from memory twice). The same
    operations on the same values as the two calls, so the same floats."""
    channels, n = delta.shape
    result = np.empty((shape[1], shape[0], *shape[2:]))
    rows = result.reshape(channels, n)

    def run(part: range) -> None:
        scratch = np.empty(n)
        for c in part:
            weight[c] = np.add.reduce(np.multiply(delta[c], xhat[c], out=scratch))
            bias[c] = np.add.reduce(delta[c])
            g = np.subtract(delta[c], bias[c] / n, out=rows[c])  # as input_grad: Σδ/N, Σδ·x̂/N, γ/σ
            g -= np.multiply(xhat[c], weight[c] / n, out=scratch)
            g *= gamma[c] / std[c]

    _in_halves(run, channels, n)
    return result.swapaxes(0, 1)


def param_grads(delta: np.ndarray, xhat: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> None:
    """∂E/∂γ = Σ δ·x̂ and ∂E/∂β = Σ δ per channel from ``[C, N]`` rows, written into
    ``weight`` and ``bias``."""
    def run(part: range) -> None:
        scratch = np.empty(delta.shape[1])
        for c in part:
            weight[c] = np.add.reduce(np.multiply(delta[c], xhat[c], out=scratch))
            bias[c] = np.add.reduce(delta[c])

    _in_halves(run, *delta.shape)


def _in_halves(run: Callable[[range], None], channels: int, n: int) -> None:
    """``run(range(channels))``, or past the split threshold ``run`` of two channel ranges
    side by side (``core.nn.halves``): each channel's passes are its own, so the same floats."""
    cut = split_point(channels)
    if cut and split_work(channels * n * PASSES):
        both(partial(run, range(cut)), partial(run, range(cut, channels)))
    else:
        run(range(channels))
