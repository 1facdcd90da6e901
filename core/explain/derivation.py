"""A Derivation: where one number comes from, as a learner writes it.

It holds the symbolic formula, the same formula with the numbers substituted, and the
value (read from the engine's arrays, never recomputed here), plus optional notes and
longer derivation steps (such as the softmax + cross-entropy Jacobian). It renders as
plain text, Markdown and LaTeX.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from core.i18n import tr
from core.numbers import fmt, fmt_array_read_remembered


@dataclass(frozen=True)
class Derivation:
    """One quantity explained: ``symbol = formula = substituted = value``."""

    name: str  # the quantity's name, e.g. fc.delta[0]
    title: str  # what it is in words
    symbol: str  # e.g. δ_fc[0]
    formula: str  # symbolic right-hand side
    substituted: str  # the right-hand side with numbers
    value: float
    decimals: int | None = 3
    notes: tuple[str, ...] = ()
    steps: tuple[str, ...] = field(default=())  # a longer derivation, one line each
    hidden: int = 0  # terms of its longest sum left out (only when asked for a shortened one)
    sig: int = 3  # significant digits the result keeps at least (0: exactly as the display rounds)
    unrounded: str | None = None  # hand-rounding half-way: the value before it was rounded, ``0.1895``

    @property
    def value_text(self) -> str:
        """The result: the display decimals, and at least three significant digits (under
        hand-rounding exactly the rounded value, which the display shows in full)."""
        return fmt(self.value, self.decimals, sig=self.sig)

    def chain(self) -> list[str]:
        """The right-hand sides ``formula``, ``substituted``, ``value`` without repeats:
        a plain number is never followed by the same number again."""
        parts = [self.formula]
        if _is_number(self.formula):
            return parts
        if self.substituted and self.substituted != self.formula:
            parts.append(self.substituted)
        if not _is_number(parts[-1]):
            parts.append(self.value_text if self.unrounded is None else f"{self.unrounded} ≈ {self.value_text}")
        return parts

    def lines(self) -> list[str]:
        """``symbol = formula``, then ``= substituted`` and ``= value`` aligned below it."""
        pad = " " * len(self.symbol)
        first, *rest = self.chain()
        return [f"{self.symbol} = {first}", *(f"{pad} = {part}" for part in rest)]

    def one_line(self) -> str:
        """Everything on one line, as the notes write it."""
        return " = ".join([self.symbol, *self.chain()])

    def text(self, with_steps: bool = False) -> str:
        """Plain text: title line, the chain, notes, and (on request) the longer steps."""
        out = [f"{self.name} — {self.title}", *self.lines()]
        out += [f"  {note}" for note in self.notes]
        if with_steps and self.steps:
            out.append("  " + tr("derivation:"))
            out += [f"    {step}" for step in self.steps]
        return "\n".join(out)

    def markdown(self, with_steps: bool = False) -> str:
        """Markdown: a bold title and the chain in a code block (keeps the alignment)."""
        out = [f"**`{self.name}`** — {self.title}", "", "```", *self.lines(), "```"]
        if self.notes:
            out.append("")
            out += [f"- {note}" for note in self.notes]
        if with_steps and self.steps:
            out += ["", tr("Derivation:"), "", "```", *self.steps, "```"]
        return "\n".join(out)


def value_texts(values: np.ndarray, decimals: int, sig: int) -> list[str]:
    """``Derivation.value_text`` of many results at once (the same ``fmt``, over an array)."""
    return value_texts_read(values, decimals, sig)[0]


def value_texts_read(values: np.ndarray, decimals: int, sig: int) -> tuple[list[str], np.ndarray, np.ndarray]:
    """``value_texts``, with each text's value read back and its decimals (``fmt_array_read``:
    NaN and −1 where the caller must read the text itself)."""
    return fmt_array_read_remembered(values, decimals, sig=sig)


def _is_number(text: str) -> bool:
    try:
        float(text.replace("−", "-"))
    except ValueError:
        return False
    return True
