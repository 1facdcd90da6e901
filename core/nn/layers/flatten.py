"""Flatten: ``[C, …]`` → ``[C·…]`` in C order (channel-major), no parameters."""

from __future__ import annotations

from math import prod
from typing import Any

import numpy as np

from core.i18n import tr
from core.nn.layers.base import Layer, Params, Spec, SpecSize, register
from core.nn.layers.terms import Ref, Terms, note, product


@register
class Flatten(Layer):
    """Reshape each sample to one axis; the gradient is reshaped back."""

    type_names = ("flatten",)
    examples = (((2, 2, 3), {"name": "flat", "type": "flatten"}),)
    kind = "flatten"

    def __init__(self, name: str, in_shape: tuple[int, ...]) -> None:
        super().__init__(name, in_shape)
        self.out_shape = (int(np.prod(in_shape)),)

    @classmethod
    def from_spec(cls, spec: Spec, in_shape: tuple[int, ...], previous: str, path: str) -> Flatten:
        return cls(spec["name"], in_shape)

    @classmethod
    def spec_size(cls, spec: Spec, in_shape: tuple[int, ...]) -> SpecSize:
        flat = prod(in_shape)
        return SpecSize((flat,), 2 * flat, 0)  # out, grad_out

    def describe(self) -> str:
        return f"flatten → {self.out_shape[0]}"

    def forward(self, params: Params, x: np.ndarray) -> tuple[None, np.ndarray, Any]:
        return None, x.reshape(x.shape[0], -1), None

    def input_grad(self, params: Params, x: np.ndarray, upstream: np.ndarray, cache: Any) -> np.ndarray:
        grad: np.ndarray = upstream.reshape(x.shape)
        return grad

    def out_terms(self, cache: Any, sample: int, index: tuple[int, ...], limit: int) -> Terms:
        src = tuple(int(v) for v in np.unravel_index(index[0], self.in_shape))
        return Terms("copy", (product(Ref("x", src, sample)),), 1,
                     notes=(note(tr("flatten keeps the value; C order (channel-major)")),))

    def input_grad_terms(self, cache: Any, sample: int, index: tuple[int, ...], limit: int,
                         source: int = 0) -> Terms:
        j = int(np.ravel_multi_index(index, self.in_shape))
        return Terms("copy", (product(Ref("grad_out", (j,), sample)),), 1,
                     notes=(note(tr("flatten passes the gradient back unchanged")),))

    def torch_lines(self) -> list[str]:
        return ["h = h.reshape(BATCH, -1)"]
