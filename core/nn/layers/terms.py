"""The terms of a layer's derivations, as plain data (no notation, no text of numbers).

A layer says WHAT a value is made of; core/explain says HOW that is written. So a layer
module never imports core/explain, and explain never switches on a layer's class:

- ``Ref`` names one operand: a parameter of the layer (``weight``/``bias`` at an index),
  one of the layer's own per-sample arrays (``net``, ``out``, ``grad_out``, ``delta``),
  or ``x``, the value the layer reads (its input, or its ``source``-th input when it
  reads several; explain knows which layer that is).
- ``Term`` is a product of operands, optionally divided by a whole number.
- ``Terms`` is a combination of terms: ``sum`` (Σ, plus an optional bias operand),
  ``max`` or ``mean`` of a window, or ``copy`` (one operand passed on unchanged). It
  keeps only the first ``limit`` terms that explain shows, and ``total``, the count of
  all of them, so explaining one value costs the same in a network of any size.
- ``Note`` is a sentence whose ``{0}``, ``{1}`` … are operands (explain writes their
  symbols in). A layer says it in the interface's language when it builds the terms:
  ``note(tr("not the maximum of window {{0}}: it receives 0"), ref)`` (the braces of an
  operand doubled, so ``tr`` leaves ``{0}`` for explain).

What no sum of products says (batch norm's variance, x̂ and its three-term backward) a
layer writes itself as a ``Formula``, with a ``Writer`` that explain hands it: the
symbol and value of any operand and explain's two ways of writing a number.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple, Protocol, TypeVar

PARAM_KINDS = ("weight", "bias")
SAMPLE_KINDS = ("x", "net", "out", "grad_out", "delta", "xhat", "mask")
LAYER_KINDS = ("mean", "var", "running_mean", "running_var")  # one array per layer (no batch axis)
COMBINES = ("sum", "max", "mean", "copy")


@dataclass(frozen=True)
class Ref:
    """One operand. ``sample`` is the batch sample of a per-sample operand (unused for a
    parameter); ``index`` is the index within the sample, or the parameter's index."""

    kind: str  # "x", "net", "out", "grad_out", "delta", "weight" or "bias"
    index: tuple[int, ...]
    sample: int = 0
    source: int = 0  # for "x": which of the layer's inputs (a layer such as add reads several)
    before: bool = False  # for a state kind (running_mean): its value before this iteration's forward

    def __post_init__(self) -> None:
        if self.kind not in PARAM_KINDS + SAMPLE_KINDS + LAYER_KINDS:
            raise ValueError(f"unknown operand kind {self.kind!r}")

    @property
    def is_param(self) -> bool:
        return self.kind in PARAM_KINDS

    @property
    def is_layer_array(self) -> bool:
        """One array of the layer's (a batch statistic, a running statistic), no sample."""
        return self.kind in LAYER_KINDS


class Term(NamedTuple):
    """``factors[0]·factors[1]·…`` (divided by ``divisor`` when it is set)."""

    factors: tuple[Ref, ...]
    divisor: int | None = None


class Note(NamedTuple):
    """A sentence about a derivation; ``{0}`` … stand for the symbols of ``refs``."""

    text: str
    refs: tuple[Ref, ...] = ()


@dataclass(frozen=True)
class Terms:
    """A value as a combination of terms (only the first few of a long sum are kept)."""

    combine: str
    terms: tuple[Term, ...]
    total: int
    bias: Ref | None = None  # ``+ b`` after a sum
    notes: tuple[Note, ...] = ()

    def __post_init__(self) -> None:
        if self.combine not in COMBINES:
            raise ValueError(f"unknown combination {self.combine!r}")


def product(*factors: Ref) -> Term:
    """A term that multiplies its operands."""
    return Term(tuple(factors))


def note(text: str, *refs: Ref) -> Note:
    return Note(text, tuple(refs))


_T = TypeVar("_T")


class Formula(NamedTuple):
    """A value written out: the symbolic right-hand side, the same with numbers, notes."""

    formula: str
    substituted: str
    notes: tuple[str, ...] = ()


class Writer(Protocol):
    """What explain hands a layer that writes its own formulas (see ``Formula``): the batch
    size, how many terms of a long sum to show, and the operands' symbols and values."""

    batch: int
    limit: int
    loss_symbol: str  # E, or C for cross-entropy

    def sym(self, ref: Ref) -> str:
        """The symbol of an operand (``x̂_bn[0,1]``, ``μ_bn[0]``, ``γ_bn[0]``)."""

    def val(self, ref: Ref) -> float:
        """The stored value of an operand."""

    def n(self, value: float) -> str:
        """A number as a result is written."""

    def p(self, value: float) -> str:
        """A number as a factor is written (a negative one in parentheses)."""

    def terms(self, terms: Terms) -> Formula:
        """Shared terms written as explain writes them (a sum, a mean, a copy)."""

    def once(self, key: tuple[object, ...], make: Callable[[], _T]) -> _T:
        """``make()``, worked out once for every formula this layer writes of one state at one
        precision: what many values' formulas share (batch norm's sums over a channel, which
        each of the channel's input gradients shows), so a report of every value costs the
        values, not the values times the channel."""
