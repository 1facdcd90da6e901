"""Batch norm's backward pass one channel at a time, for channels of many values.

A LeNet-sized batch norm holds 110,592 values per array: three such arrays (δ, x̂ and the
result) do not fit in a core's L2 cache together, so each of the backward's dozen passes
over whole arrays reads from further away. Taken one channel at a time, a channel's
values stay in cache from one pass to the next. The arithmetic is the whole-array
expressions' own, value by value, and each channel's sum runs over the same contiguous
values in the same order (NumPy's pairwise sum over the channel's row), so every float
is the same. Only arrays laid out channel by channel (as a conv layer hands its output
on) take this route; ``channel_rows`` says which.
"""

from __future__ import annotations

import numpy as np

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


def input_grad(up: np.ndarray, xhat: np.ndarray, gamma: np.ndarray, std: np.ndarray,
               shape: tuple[int, ...]) -> np.ndarray:
    """∂E/∂x = (1/(N·σ))·(N·g − Σg − x̂·Σg·x̂), g = δ·γ, from ``[C, N]`` rows of δ and x̂:
    a ``[B, C, …]`` array laid out channel by channel, as the whole-array expression's."""
    channels, n = up.shape
    result = np.empty((shape[1], shape[0], *shape[2:]))
    rows = result.reshape(channels, n)
    scratch = np.empty(n)
    coefficient = 1.0 / (n * std)
    for c in range(channels):
        g = np.multiply(up[c], gamma[c], out=rows[c])
        s1 = np.add.reduce(g)
        s2 = np.add.reduce(np.multiply(g, xhat[c], out=scratch))
        g *= n
        g -= s1
        g -= np.multiply(xhat[c], s2, out=scratch)
        g *= coefficient[c]
    return result.swapaxes(0, 1)


def param_grads(delta: np.ndarray, xhat: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> None:
    """∂E/∂γ = Σ δ·x̂ and ∂E/∂β = Σ δ per channel from ``[C, N]`` rows, written into
    ``weight`` and ``bias``."""
    scratch = np.empty(delta.shape[1])
    for c in range(delta.shape[0]):
        weight[c] = np.add.reduce(np.multiply(delta[c], xhat[c], out=scratch))
        bias[c] = np.add.reduce(delta[c])
