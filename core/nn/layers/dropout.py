"""Dropout (inverted, as PyTorch's): out = x·mask/(1 − p) in an iteration, out = x when evaluating.

The mask (1 kept, 0 dropped, each kept with probability 1 − p) is given per iteration: a
file may give iteration 1's, every other one is drawn from the scenario's seed and the
iteration number, so the same file always drops the same values. The gradient goes back
through the kept values only, with the same 1/(1 − p).
"""

from __future__ import annotations

from math import prod
from typing import Any

import numpy as np

from core.i18n import tr
from core.nn.layers.base import Context, Field, Forward, Layer, Params, Spec, SpecSize, register
from core.nn.layers.terms import Formula, Ref, Terms, Writer, note, product
from core.text import python_literal


@register
class Dropout(Layer):
    """Drop each value with probability ``p`` and scale the kept ones by 1/(1 − p)."""

    type_names = ("dropout",)
    fields = (Field("p", "number", default=0.5, low=0, high=1, high_open=True),)
    examples = (((2, 3), {"name": "drop", "type": "dropout", "p": 0.4}),)
    kind = "dropout"
    given_kinds = ("mask",)

    def __init__(self, name: str, in_shape: tuple[int, ...], p: float) -> None:
        super().__init__(name, in_shape)
        self.p = p
        self.out_shape = in_shape

    @classmethod
    def from_spec(cls, spec: Spec, in_shape: tuple[int, ...], previous: str, path: str) -> Dropout:
        return cls(spec["name"], in_shape, float(spec["p"]))

    @classmethod
    def spec_size(cls, spec: Spec, in_shape: tuple[int, ...]) -> SpecSize:
        size = prod(in_shape)
        return SpecSize(in_shape, 3 * size, 0)  # mask, out, grad_out

    def own_kinds(self) -> dict[str, tuple[int, ...]]:
        return {"mask": self.in_shape}

    def describe(self) -> str:
        return f"dropout p={self.p:g}"

    @property
    def scale(self) -> float:
        """1/(1 − p): what a kept value is multiplied by."""
        return 1.0 / (1.0 - self.p)

    def draw(self, kind: str, rng: np.random.Generator, batch: int) -> np.ndarray:
        """Each value kept (1) with probability 1 − p, dropped (0) with probability p."""
        return (rng.random((batch, *self.in_shape)) >= self.p).astype(np.float64)

    def given_refusal(self, kind: str, values: np.ndarray) -> str | None:
        if np.all((values == 0) | (values == 1)):
            return None
        return tr("a dropout mask holds 1 (kept) or 0 (dropped) only")

    # --- maths ------------------------------------------------------------------
    def forward(self, params: Params, x: np.ndarray) -> tuple[None, np.ndarray, Any]:
        return None, x, None  # without a mask (as when evaluating) nothing is dropped

    def forward_in(self, params: Params, xs: list[np.ndarray], ctx: Context) -> Forward:
        x = xs[0]
        if not ctx.training:
            return Forward(None, x, None)
        mask = ctx.given["mask"]
        return Forward(None, x * mask * self.scale, mask)

    def input_grad(self, params: Params, x: np.ndarray, upstream: np.ndarray, cache: Any) -> np.ndarray:
        if cache is None:
            return upstream
        grad: np.ndarray = upstream * cache * self.scale
        return grad

    # --- derivation terms -------------------------------------------------------
    def out_terms(self, cache: Any, sample: int, index: tuple[int, ...], limit: int) -> Terms:
        """The operands only (x and its mask): terms carry no 1/(1 − p), so explain writes
        ``out_formula``, which has it."""
        return Terms("sum", (product(Ref("x", index, sample), Ref("mask", index, sample)),), 1,
                     notes=(note("and the scale 1/(1 − p): see out_formula"),))

    def input_grad_terms(self, cache: Any, sample: int, index: tuple[int, ...], limit: int,
                         source: int = 0) -> Terms:
        """The operands only (∂E/∂out and the mask); explain writes ``input_grad_formula``."""
        return Terms("sum", (product(Ref("grad_out", index, sample), Ref("mask", index, sample)),), 1,
                     notes=(note("and the scale 1/(1 − p): see input_grad_formula"),))

    def _scaled(self, first: Ref, sample: int, index: tuple[int, ...], w: Writer) -> Formula:
        mask = Ref("mask", index, sample)
        return Formula(f"{w.sym(first)}·{w.sym(mask)} / (1 − p)",
                       f"{w.p(w.val(first))}·{w.n(w.val(mask))} / (1 − {w.n(self.p)})",
                       (tr("dropout with p = {p}: a kept value (mask 1) is scaled by 1/(1 − p) = "
                           "{scale}, a dropped one (mask 0) is 0", p=w.n(self.p), scale=w.n(self.scale)),))

    def out_formula(self, cache: Any, sample: int, index: tuple[int, ...], w: Writer) -> Formula:
        """out = x·mask/(1 − p), with the numbers."""
        return self._scaled(Ref("x", index, sample), sample, index, w)

    def input_grad_formula(self, cache: Any, sample: int, index: tuple[int, ...], w: Writer,
                           source: int = 0) -> Formula:
        """∂E/∂x = ∂E/∂out·mask/(1 − p): only kept values pass a gradient back."""
        written = self._scaled(Ref("grad_out", index, sample), sample, index, w)
        return Formula(written.formula, written.substituted,
                       (tr("'{layer}' passes the gradient back through the values it kept, scaled by "
                           "1/(1 − p) = {scale} as in the forward pass", layer=self.name, scale=w.n(self.scale)),))

    # --- slips ------------------------------------------------------------------
    def own_slips(self, kind: str, sample: int, index: tuple[int, ...], w: Writer) -> dict[str, list[float]]:
        """out without the 1/(1 − p) scale: x·mask."""
        if kind != "out":
            return {}
        return {"dropout-scale": [w.val(Ref("x", index, sample)) * w.val(Ref("mask", index, sample))]}

    def input_slips(self, sample: int, index: tuple[int, ...], w: Writer) -> dict[str, list[float]]:
        """∂E/∂x without the 1/(1 − p) scale: ∂E/∂out·mask."""
        return {"dropout-scale": [w.val(Ref("grad_out", index, sample)) * w.val(Ref("mask", index, sample))]}

    # --- export -----------------------------------------------------------------
    def torch_lines(self) -> list[str]:
        """The mask as given (torch's random numbers are not ours), the same scale."""
        key = python_literal(f"{self.name}.mask")
        return [f"own[{key}] = given[{key}]", f"h = h * given[{key}] / (1 - {self.p!r})"]
