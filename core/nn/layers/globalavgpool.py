"""Global average pooling: out[c] = the mean of channel c over every spatial position.

A ``[C, L]`` or ``[C, H, W]`` input becomes ``[C]``: one number per channel, whatever the
size of the picture, which is how modern CNNs end (a dense layer reads the C means). No
parameters and no net; backward gives each of the P positions of channel c an equal share
of the channel's gradient, ∂E/∂x[c, …] = ∂E/∂out[c] / P.
"""

from __future__ import annotations

from math import prod
from typing import Any

import numpy as np

from core.errors import ScenarioError
from core.i18n import tr
from core.nn.layers.base import Layer, Params, Spec, SpecSize, register, shape_text
from core.nn.layers.terms import Ref, Term, Terms, note, product


@register
class GlobalAvgPool(Layer):
    """The mean of each channel: ``[C, …]`` → ``[C]``."""

    type_names = ("globalavgpool",)
    examples = (
        ((3, 4), {"name": "gap", "type": "globalavgpool"}),
        ((2, 3, 2), {"name": "gap", "type": "globalavgpool"}),
    )
    kind = "globalavgpool"

    def __init__(self, name: str, in_shape: tuple[int, ...]) -> None:
        super().__init__(name, in_shape)
        self.out_shape = (in_shape[0],)
        self.positions = prod(in_shape[1:])  # P, the values each mean averages

    @classmethod
    def from_spec(cls, spec: Spec, in_shape: tuple[int, ...], previous: str, path: str) -> GlobalAvgPool:
        if len(in_shape) not in (2, 3):
            raise ScenarioError(tr("a globalavgpool layer needs a [channels, length] or [channels, height, width] "
                                   "input, but {previous} gives {shape}", previous=previous,
                                   shape=shape_text(in_shape)), field=f"{path}.type")
        return cls(spec["name"], in_shape)

    @classmethod
    def spec_size(cls, spec: Spec, in_shape: tuple[int, ...]) -> SpecSize | None:
        if len(in_shape) not in (2, 3):
            return None
        return SpecSize((in_shape[0],), 2 * in_shape[0], 0)  # out, grad_out

    def describe(self) -> str:
        return f"global mean of {self.positions}"

    # --- maths ------------------------------------------------------------------
    def forward(self, params: Params, x: np.ndarray) -> tuple[None, np.ndarray, Any]:
        out: np.ndarray = x.reshape(x.shape[0], self.in_shape[0], self.positions).mean(axis=2)
        return None, out, None

    def input_grad(self, params: Params, x: np.ndarray, upstream: np.ndarray, cache: Any) -> np.ndarray:
        share = upstream / self.positions  # [B, C]
        grad: np.ndarray = np.repeat(share[:, :, None], self.positions, axis=2).reshape(x.shape)
        return grad

    # --- derivation terms -------------------------------------------------------
    def _position(self, flat: int) -> tuple[int, ...]:
        return tuple(int(v) for v in np.unravel_index(flat, self.in_shape[1:]))

    def out_terms(self, cache: Any, sample: int, index: tuple[int, ...], limit: int) -> Terms:
        c = index[0]
        terms = tuple(product(Ref("x", (c, *self._position(p)), sample))
                      for p in range(min(self.positions, limit)))
        return Terms("mean", terms, self.positions,
                     notes=(note(tr("the mean of channel {c} over all {n} positions", c=c, n=self.positions)),))

    def input_grad_terms(self, cache: Any, sample: int, index: tuple[int, ...], limit: int,
                         source: int = 0) -> Terms:
        c = index[0]
        return Terms("sum", (Term((Ref("grad_out", (c,), sample),), self.positions),), 1,
                     notes=(note(tr("every position of channel {c} adds 1/{n} of itself to {{0}}, "
                                    "so it gets 1/{n} of that gradient", c=c, n=self.positions),
                                 Ref("out", (c,), sample)),))

    # --- export -----------------------------------------------------------------
    def torch_lines(self) -> list[str]:
        return ["h = h.mean(dim=tuple(range(2, h.dim())))"]
