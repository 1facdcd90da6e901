"""Add: the elementwise sum of two or more layers' outputs (a residual connection).

net = x₁ + x₂ + …, out = f(net). It has no parameters; it has a net and a δ as a dense
layer does, and it sends its δ back unchanged to every layer it reads, since
∂net/∂xₖ = 1 for each input.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from core.nn.activations import Activation
from core.nn.layers.base import Layer, Params


class Add(Layer):
    """The sum of its ``inputs`` (all of one shape), then its activation."""

    kind = "add"
    max_inputs = None
    min_inputs = 2

    def __init__(self, name: str, in_shape: tuple[int, ...], count: int, activation: Activation) -> None:
        super().__init__(name, in_shape, activation)
        self.count = count
        self.out_shape = in_shape

    @property
    def has_net(self) -> bool:
        return True

    def describe(self) -> str:
        assert self.activation is not None
        return f"add {self.count} · {self.activation.name}"

    def forward(self, params: Params, x: np.ndarray) -> tuple[np.ndarray, np.ndarray, Any]:
        return self.forward_many(params, [x])

    def forward_many(self, params: Params, xs: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray, Any]:
        net = xs[0].copy()
        for x in xs[1:]:
            net += x
        return net, self.activate(net), None

    def input_grad(self, params: Params, x: np.ndarray, upstream: np.ndarray, cache: Any) -> np.ndarray:
        return upstream

    def input_grads(self, params: Params, xs: list[np.ndarray], upstream: np.ndarray,
                    cache: Any) -> list[np.ndarray]:
        return [upstream for _ in xs]
