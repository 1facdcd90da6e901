"""Add: the elementwise sum of two or more layers' outputs (a residual connection).

net = x₁ + x₂ + …, out = f(net). It has no parameters, but a net and a δ as a dense
layer has; it sends its δ back unchanged to every layer it reads, since ∂net/∂xₖ = 1.
Its ``inputs`` (checked by core/engine/network: earlier layers, one shape) are the only
thing it needs besides its activation.
"""

from __future__ import annotations

from math import prod
from typing import Any

import numpy as np

from core.errors import ScenarioError
from core.i18n import tr
from core.nn.activations import Activation, get_activation
from core.nn.layers.base import Layer, Params, Spec, SpecSize, register, shape_text
from core.nn.layers.terms import Ref, Terms, note, product
from core.text import quote


@register
class Add(Layer):
    """The sum of its ``inputs`` (all of one shape), then its activation."""

    type_names = ("add",)
    examples = (((2, 3), {"name": "sum", "type": "add", "inputs": ["input", "input"], "activation": "tanh"}),)
    activated = True
    kind = "add"
    max_inputs = None
    min_inputs = 2

    def __init__(self, name: str, in_shape: tuple[int, ...], count: int, activation: Activation) -> None:
        super().__init__(name, in_shape, activation)
        self.count = count
        self.out_shape = in_shape

    @classmethod
    def from_spec(cls, spec: Spec, in_shape: tuple[int, ...], previous: str, path: str) -> Add:
        return cls(spec["name"], in_shape, len(spec["inputs"]), get_activation(spec["activation"], spec))

    @classmethod
    def combined_shape(cls, kind: str, inputs: list[tuple[str, tuple[int, ...]]], field: str) -> tuple[int, ...]:
        """Every input must have one shape: the sum is taken element by element."""
        (first, shape), *rest = inputs
        for name, other in rest:
            if other != shape:
                raise ScenarioError(tr("an {kind} layer adds inputs of one shape, but '{first}' gives {shape} and "
                                       "'{name}' gives {other}", kind=kind, first=quote(first), shape=shape_text(shape),
                                       name=quote(name), other=shape_text(other)), field=field)
        return shape

    @classmethod
    def spec_size(cls, spec: Spec, in_shape: tuple[int, ...]) -> SpecSize:
        size = prod(in_shape)
        return SpecSize(in_shape, 4 * size, 0)  # net, out, grad_out, delta

    @property
    def has_net(self) -> bool:
        return True

    def describe(self) -> str:
        assert self.activation is not None
        return f"add {self.count} · {self.activation.name}"

    # --- maths ------------------------------------------------------------------
    def forward(self, params: Params, x: np.ndarray) -> tuple[np.ndarray, np.ndarray, Any]:
        return self.forward_many(params, [x] * self.count)

    def forward_many(self, params: Params, xs: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray, Any]:
        net = xs[0] + xs[1]
        for x in xs[2:]:
            net += x
        return net, self.activate(net), None

    def input_grad(self, params: Params, x: np.ndarray, upstream: np.ndarray, cache: Any) -> np.ndarray:
        return upstream

    def input_grads(self, params: Params, xs: list[np.ndarray], upstream: np.ndarray,
                    cache: Any) -> list[np.ndarray]:
        return [upstream for _ in xs]

    # --- derivation terms -------------------------------------------------------
    def net_terms(self, sample: int, index: tuple[int, ...], limit: int) -> Terms:
        terms = tuple(product(Ref("x", index, sample, source=k)) for k in range(min(self.count, limit)))
        return Terms("sum", terms, self.count,
                     notes=(note(tr("add: the inputs summed element by element (a residual connection)")),))

    def input_grad_terms(self, cache: Any, sample: int, index: tuple[int, ...], limit: int,
                         source: int = 0) -> Terms:
        return Terms("copy", (product(Ref("delta", index, sample)),), 1,
                     notes=(note(tr("'{layer}' adds its inputs, so it passes its δ back unchanged to each",
                                    layer=self.name)),))

    # --- export -----------------------------------------------------------------
    def torch_lines(self) -> list[str]:
        """Reads ``hs``, the list of its inputs' tensors (the export sets it)."""
        return ["z = " + " + ".join(f"hs[{k}]" for k in range(self.count))]
