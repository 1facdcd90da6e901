"""Flatten: ``[C, …]`` → ``[C·…]`` in C order (channel-major), no parameters."""

from __future__ import annotations

from typing import Any

import numpy as np

from core.nn.layers.base import Layer, Params


class Flatten(Layer):
    """Reshape each sample to one axis; the gradient is reshaped back."""

    kind = "flatten"

    def __init__(self, name: str, in_shape: tuple[int, ...]) -> None:
        super().__init__(name, in_shape)
        self.out_shape = (int(np.prod(in_shape)),)

    def describe(self) -> str:
        return f"flatten → {self.out_shape[0]}"

    def forward(self, params: Params, x: np.ndarray) -> tuple[None, np.ndarray, Any]:
        return None, x.reshape(x.shape[0], -1), None

    def input_grad(self, params: Params, x: np.ndarray, upstream: np.ndarray, cache: Any) -> np.ndarray:
        return upstream.reshape(x.shape)
