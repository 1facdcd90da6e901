"""Quantity names (contract §3): ``LAYER.KIND[i,j,...]``, ``input[...]``, ``target[...]``, ``loss``."""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.errors import QuantityError

PARAM_KINDS = ("weight", "bias")
FORWARD_KINDS = ("net", "out")
BACKWARD_KINDS = ("grad_out", "delta", "grad_weight", "grad_bias")
UPDATE_KINDS = ("new_weight", "new_bias")

_NAME = re.compile(
    r"^\s*(?:(?P<top>input|target|loss)|(?P<layer>[a-z][a-z0-9_]*)\.(?P<kind>[a-z_]+))"
    r"\s*(?:\[(?P<index>[^\]]*)\])?\s*$")


@dataclass(frozen=True)
class QuantityRef:
    """A parsed name: ``layer`` is None for input, target and loss."""

    layer: str | None
    kind: str
    index: tuple[int, ...] | None = None

    @property
    def array_name(self) -> str:
        """The name of the whole array (no index), e.g. ``fc.delta``."""
        return self.kind if self.layer is None else f"{self.layer}.{self.kind}"

    def __str__(self) -> str:
        return self.array_name + format_index(self.index)


def format_index(index: tuple[int, ...] | None) -> str:
    """``(0, 1)`` → ``[0,1]``; None → empty."""
    return "" if index is None else "[" + ",".join(str(i) for i in index) + "]"


def parse_name(text: str) -> QuantityRef:
    """Parse a quantity name; raise QuantityError with the reason if it is malformed."""
    m = _NAME.match(text)
    if not m:
        raise QuantityError(f"'{text}' is not a quantity name (expected LAYER.KIND[i,...], "
                            "input[...], target[...] or loss)")
    index = None
    if m.group("index") is not None:
        parts = [p.strip() for p in m.group("index").split(",")]
        if not all(re.fullmatch(r"\d+", p) for p in parts):
            raise QuantityError(f"'{text}': indices must be whole numbers ≥ 0, like [0,1]")
        index = tuple(int(p) for p in parts)
    if m.group("top"):
        return QuantityRef(None, m.group("top"), index)
    return QuantityRef(m.group("layer"), m.group("kind"), index)
