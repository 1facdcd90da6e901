"""Convolution (cross-correlation, as in PyTorch) in 1-D and 2-D, one implementation.

Forward gathers every window of the whole batch at once (im2col, channel-major
``[C·K, B·P]``) and does one matrix product ``[F, C·K] @ [C·K, B·P]``; the weight gradient
is one product with the same columns, the input gradient one product and kh·kw strided
additions (col2im), so nothing loops over pixels or samples.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from core.nn.activations import Activation
from core.nn.layers.base import Layer, Params
from core.nn.layers.spatial import Geometry


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
        self._weight_shape = self.param_shapes()["weight"]
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
        cols = self.geometry.columns(x)  # [C·K, B·P]
        net = self._weights(params) @ cols  # [F, B·P]: the whole batch in one product
        net += params["bias"].reshape(self.filters, 1)
        # handed on as a view [B, F, …] of the channel-major result (no copy)
        net = net.reshape(self.filters, b, *self.geometry.out_spatial).swapaxes(0, 1)
        return net, self.activate(net), cols

    def input_grad(self, params: Params, x: np.ndarray, upstream: np.ndarray, cache: Any) -> np.ndarray:
        b = x.shape[0]
        if self.geometry.is_small(b):
            rows = self._rows(upstream)  # [F, B·P]
        else:  # batch innermost: [F, P·B], see Geometry.add_columns
            rows = upstream.reshape(b, self.filters, -1).transpose(1, 2, 0).reshape(self.filters, -1)
        return self.geometry.add_columns(self._weights(params).T @ rows, x.shape)

    def param_grads(self, x: np.ndarray, delta: np.ndarray, cache: Any, out: Params | None = None) -> Params:
        d = self._rows(delta)  # [F, B·P]
        if out is None:
            gw = d @ cache.T
            return {"weight": gw.reshape(self._weight_shape), "bias": d.sum(axis=1)}
        np.matmul(d, cache.T, out=out["weight"].reshape(self.filters, self._taps))
        np.add.reduce(d, axis=1, out=out["bias"])
        return out

    def _weights(self, params: Params) -> np.ndarray:
        return params["weight"].reshape(self.filters, self._taps)

    def _rows(self, delta: np.ndarray) -> np.ndarray:
        """``[B, F, …]`` → ``[F, B·P]`` (a view when δ is channel-major, as forward leaves it)."""
        b = delta.shape[0]
        return delta.reshape(b, self.filters, -1).swapaxes(0, 1).reshape(self.filters, -1)
