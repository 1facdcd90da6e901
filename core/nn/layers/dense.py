"""Fully connected layer: net = W·x + b, x flattened in C order."""

from __future__ import annotations

from typing import Any

import numpy as np

from core.nn.activations import Activation
from core.nn.layers.base import Layer, Params


class Dense(Layer):
    """``units`` neurons over the flattened input; weight ``[units, inputs]``."""

    kind = "dense"
    param_names = ("weight", "bias")

    def __init__(self, name: str, in_shape: tuple[int, ...], units: int, activation: Activation,
                 frozen: frozenset[str] = frozenset()) -> None:
        super().__init__(name, in_shape, activation, frozen)
        self.units = units
        self.inputs = int(np.prod(in_shape))
        self.out_shape = (units,)

    def param_shapes(self) -> dict[str, tuple[int, ...]]:
        return {"weight": (self.units, self.inputs), "bias": (self.units,)}

    def fans(self) -> tuple[int, int]:
        return (self.inputs, self.units)

    def describe(self) -> str:
        assert self.activation is not None
        return f"dense {self.units} · {self.activation.name}"

    def forward(self, params: Params, x: np.ndarray) -> tuple[np.ndarray, np.ndarray, Any]:
        flat = x.reshape(x.shape[0], self.inputs)
        net = flat @ params["weight"].T + params["bias"]
        return net, self.activate(net), flat

    def input_grad(self, params: Params, x: np.ndarray, upstream: np.ndarray, cache: Any) -> np.ndarray:
        return (upstream @ params["weight"]).reshape(x.shape)

    def param_grads(self, x: np.ndarray, delta: np.ndarray, cache: Any, out: Params | None = None) -> Params:
        if out is None:
            return {"weight": delta.T @ cache, "bias": delta.sum(axis=0)}
        np.matmul(delta.T, cache, out=out["weight"])
        np.add.reduce(delta, axis=0, out=out["bias"])
        return out
