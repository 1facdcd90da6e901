"""Fully connected layer: net = W·x + b, x flattened in C order."""

from __future__ import annotations

from math import prod
from typing import Any

import numpy as np

from core.i18n import mark, tr
from core.nn.activations import Activation, get_activation
from core.nn.constants import ZERO
from core.nn.layers.base import Field, Layer, Params, Spec, SpecSize, register
from core.nn.layers.kept_view import KeptView
from core.nn.layers.terms import Ref, Terms, note, product


def unravel(flat: int, shape: tuple[int, ...]) -> tuple[int, ...]:
    """Flat C-order position → index of ``shape``."""
    return tuple(int(v) for v in np.unravel_index(flat, shape))


@register
class Dense(Layer):
    """``units`` neurons over the flattened input; weight ``[units, inputs]``."""

    type_names = ("dense",)
    fields = (Field("units", "count", required=True, hint=mark("its number of neurons"), start=2),)
    examples = (((2, 3), {"name": "fc", "type": "dense", "units": 3, "activation": "tanh"}),)
    kind = "dense"
    activated = True
    gradient_is_one_product = True
    param_names = ("weight", "bias")

    def __init__(self, name: str, in_shape: tuple[int, ...], units: int, activation: Activation,
                 frozen: frozenset[str] = frozenset()) -> None:
        super().__init__(name, in_shape, activation, frozen)
        self.units = units
        self.inputs = int(np.prod(in_shape))
        self.out_shape = (units,)
        self._transposed = KeptView(np.transpose)  # the weight's .T, kept while it is the same array
        # the net is [B, units], which ``activate`` hands to the activation as it is (softmax too)
        self._activate = activation.forward

    @classmethod
    def from_spec(cls, spec: Spec, in_shape: tuple[int, ...], previous: str, path: str) -> Dense:
        return cls(spec["name"], in_shape, spec["units"], get_activation(spec["activation"], spec),
                   frozenset(spec.get("frozen", ())))

    @classmethod
    def spec_size(cls, spec: Spec, in_shape: tuple[int, ...]) -> SpecSize:
        units, flat = spec["units"], prod(in_shape)
        return SpecSize((units,), 4 * units, units * flat + units)  # net, out, grad_out, delta

    def param_shapes(self) -> dict[str, tuple[int, ...]]:
        return {"weight": (self.units, self.inputs), "bias": (self.units,)}

    def fans(self) -> tuple[int, int]:
        return (self.inputs, self.units)

    def describe(self) -> str:
        assert self.activation is not None
        return f"dense {self.units} · {self.activation.name}"

    # --- maths ------------------------------------------------------------------
    def forward(self, params: Params, x: np.ndarray) -> tuple[np.ndarray, np.ndarray, Any]:
        flat = x.reshape(x.shape[0], self.inputs)
        # ``.dot``: the same OpenBLAS product as ``@`` to the bit (tests/core/test_tiny_step_routes.py),
        # with half its dispatch, which is most of a small layer's product
        net = flat.dot(self._transposed(params["weight"]))
        net += params["bias"]  # into the product's array: the same sum, one array fewer
        return net, self._activate(net), flat

    def input_grad(self, params: Params, x: np.ndarray, upstream: np.ndarray, cache: Any) -> np.ndarray:
        grad: np.ndarray = upstream.dot(params["weight"]).reshape(x.shape)
        return grad

    def param_grads(self, x: np.ndarray, delta: np.ndarray, cache: Any, out: Params | None = None) -> Params:
        if out is None:
            return {"weight": delta.T @ cache, "bias": delta.sum(axis=0)}
        np.dot(delta.T, cache, out=out["weight"])
        if delta.shape[0] == 1:  # a batch of one: the sum 0 + δ as the reduction takes it (−0 → +0), half its cost
            np.add(delta[0], ZERO, out=out["bias"])
        else:
            np.add.reduce(delta, axis=0, out=out["bias"])
        return out

    # --- derivation terms -------------------------------------------------------
    def net_terms(self, sample: int, index: tuple[int, ...], limit: int) -> Terms:
        unit = index[0]
        terms = tuple(product(Ref("weight", (unit, j)), Ref("x", unravel(j, self.in_shape), sample))
                      for j in range(min(self.inputs, limit)))
        return Terms("sum", terms, self.inputs, bias=Ref("bias", (unit,)))

    def input_grad_terms(self, cache: Any, sample: int, index: tuple[int, ...], limit: int,
                         source: int = 0) -> Terms:
        j = int(np.ravel_multi_index(index, self.in_shape))
        terms = tuple(product(Ref("delta", (unit,), sample), Ref("weight", (unit, j)))
                      for unit in range(min(self.units, limit)))
        return Terms("sum", terms, self.units,
                     notes=(note(tr("every neuron of '{layer}' that reads this output passes back δ·w",
                                    layer=self.name)),))

    def param_grad_terms(self, param: str, index: tuple[int, ...], batch: int, limit: int) -> Terms:
        unit = index[0]
        samples = range(min(batch, limit))
        if param == "bias":
            return Terms("sum", tuple(product(Ref("delta", (unit,), b)) for b in samples), batch,
                         notes=(note("∂E/∂b = δ (∂net/∂b = 1)"),))
        jidx = unravel(index[1], self.in_shape)
        why = tr("∂E/∂w_ij = δ_i · (the input it multiplies)") + (tr(", summed over the batch") if batch > 1 else "")
        return Terms("sum", tuple(product(Ref("delta", (unit,), b), Ref("x", jidx, b)) for b in samples),
                     batch, notes=(note(why),))

    # --- export and diagnosis ---------------------------------------------------
    def torch_lines(self) -> list[str]:
        return [f"z = h.reshape(BATCH, -1) @ {self.torch_param('weight')}.T + {self.torch_param('bias')}"]

    def slip_routes(self, params: Params, upstream: np.ndarray, index: tuple[int, ...]) -> dict[str, list[float]]:
        """transposed-index: Σ_i δ_i·w[j,i] instead of w[i,j] (a square weight only)."""
        w = params["weight"]
        if w.shape[0] != w.shape[1] or len(index) != 1:
            return {}
        return {"transposed-index": [float(upstream @ w[index[0], :])]}
