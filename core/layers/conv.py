"""Convolution (cross-correlation, as in PyTorch) in 1-D and 2-D, one implementation.

Forward gathers every window at once (im2col) and does one matrix product; the input
gradient is one matrix product and one scatter-add, so nothing loops over pixels.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from core.activations import Activation
from core.layers.base import Layer, Params
from core.layers.spatial import Geometry


class Conv(Layer):
    """``filters`` kernels over ``[C, L]`` (conv1d) or ``[C, H, W]`` (conv2d) inputs."""

    param_names = ("weight", "bias")

    def __init__(self, name: str, in_shape: tuple[int, ...], filters: int, kernel: tuple[int, int],
                 stride: tuple[int, int], padding: tuple[int, int], activation: Activation,
                 frozen: frozenset[str] = frozenset()) -> None:
        super().__init__(name, in_shape, activation, frozen)
        self.geometry = Geometry(in_shape, kernel, stride, padding)
        self.kind = f"conv{self.geometry.dims}d"
        self.filters = filters
        self.out_shape = (filters, *self.geometry.out_spatial)
        self._taps = in_shape[0] * kernel[0] * kernel[1]

    def param_shapes(self) -> dict[str, tuple[int, ...]]:
        g = self.geometry
        kernel = (g.kernel[1],) if g.dims == 1 else g.kernel
        return {"weight": (self.filters, g.channels, *kernel), "bias": (self.filters,)}

    def fans(self) -> tuple[int, int]:
        k = self.geometry.kernel[0] * self.geometry.kernel[1]
        return (self.geometry.channels * k, self.filters * k)

    def describe(self) -> str:
        g = self.geometry
        size = str(g.kernel[1]) if g.dims == 1 else f"{g.kernel[0]}×{g.kernel[1]}"
        assert self.activation is not None
        return f"{self.kind} {self.filters}×{size} · {self.activation.name}"

    def forward(self, params: Params, x: np.ndarray) -> tuple[np.ndarray, np.ndarray, Any]:
        b = x.shape[0]
        windows = self.geometry.table.gather(self.geometry.as_grid(x))  # [B, C, P, K]
        cols = windows.transpose(0, 2, 1, 3).reshape(b, -1, self._taps)  # [B, P, C·K]
        net = cols @ params["weight"].reshape(self.filters, self._taps).T  # [B, P, F]
        net = net.transpose(0, 2, 1).reshape(b, *self.out_shape) + params["bias"].reshape(
            (self.filters,) + (1,) * self.geometry.dims)
        return net, self.activate(net), cols

    def input_grad(self, params: Params, x: np.ndarray, upstream: np.ndarray, cache: Any) -> np.ndarray:
        b = x.shape[0]
        g = self.geometry
        d = upstream.reshape(b, self.filters, -1).transpose(0, 2, 1)  # [B, P, F]
        dcols = d @ params["weight"].reshape(self.filters, self._taps)  # [B, P, C·K]
        windows = dcols.reshape(b, -1, g.channels, g.kernel[0] * g.kernel[1]).transpose(0, 2, 1, 3)
        return g.from_grid(g.table.scatter(windows), x.shape)

    def param_grads(self, x: np.ndarray, delta: np.ndarray, cache: Any) -> Params:
        b = delta.shape[0]
        d = delta.reshape(b, self.filters, -1)  # [B, F, P]
        gw = d.transpose(1, 0, 2).reshape(self.filters, -1) @ cache.reshape(-1, self._taps)
        return {"weight": gw.reshape(self.param_shapes()["weight"]), "bias": d.sum(axis=(0, 2))}
