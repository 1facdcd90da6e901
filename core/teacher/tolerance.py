"""When a student's value counts as right: to d decimals, to s significant figures, or
within a relative error (the key says which, as WeBWorK's tolerances do)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from core.errors import CnnTuiError
from core.i18n import tr

MODES = ("decimals", "significant", "relative")
_SLACK = 1 + 1e-9  # the binary representation of a written decimal


@dataclass(frozen=True)
class Tolerance:
    """``mode`` is one of MODES; ``amount`` the decimals, the significant figures or the
    relative error. The decimals rule is the tool's usual one: within 10^−d."""

    mode: str = "decimals"
    amount: float = 3

    def absolute(self, exact: float) -> float:
        """The largest difference from ``exact`` that is still right."""
        if self.mode == "decimals":
            return float(10.0 ** (-self.amount) * _SLACK)
        if self.mode == "significant":
            if exact == 0:
                return 10.0 ** (-int(self.amount) - 3)
            exponent = math.floor(math.log10(abs(exact)))
            return 10.0 ** (exponent - int(self.amount) + 1) * _SLACK
        return max(abs(exact) * self.amount, 1e-12) * _SLACK

    def matches(self, given: float, exact: float) -> bool:
        return abs(given - exact) <= self.absolute(exact)

    def decimals_at(self, exact: float) -> int:
        """The decimals whose 10^−d is about this tolerance at ``exact`` (for diagnosis,
        which matches a slip's value as the student wrote it)."""
        if self.mode == "decimals":
            return int(self.amount)
        return max(0, min(15, round(-math.log10(self.absolute(exact)))))

    def describe(self) -> str:
        if self.mode == "decimals":
            return tr("to {d} decimals (within 10^−{d})", d=int(self.amount))
        if self.mode == "significant":
            return tr("to {s} significant figures", s=int(self.amount))
        return tr("within {r:g} of the exact value, relatively", r=self.amount)

    def as_data(self) -> dict[str, Any]:
        return {self.mode: int(self.amount) if self.mode != "relative" else self.amount}


def parse_tolerance(text: str, default_decimals: int) -> Tolerance:
    """``3`` or ``decimals=3``, ``significant=3`` (or ``sig=3``), ``relative=0.01``."""
    text = text.strip()
    if not text:
        return Tolerance("decimals", default_decimals)
    mode, _, value = text.partition("=")
    if not value:
        mode, value = "decimals", text
    mode = {"sig": "significant", "rel": "relative", "dec": "decimals"}.get(mode.strip(), mode.strip())
    return tolerance_from(mode, value.strip())


def tolerance_from(mode: str, value: Any) -> Tolerance:
    """A Tolerance from a mode name and its amount; CnnTuiError saying what is expected."""
    if mode not in MODES:
        raise CnnTuiError(tr("unknown tolerance '{mode}' (expected decimals=D, significant=S or relative=R)",
                             mode=mode[:40]))
    try:
        amount = float(value)
    except (TypeError, ValueError):
        raise CnnTuiError(tr("the tolerance {mode} needs a number, got '{value}'", mode=mode,
                             value=str(value)[:40])) from None
    if mode == "relative":
        if not 0 < amount < 1:
            raise CnnTuiError(tr("a relative tolerance is a number between 0 and 1 (like 0.01), got {amount:g}",
                                 amount=amount))
    elif amount != int(amount) or not (0 <= amount <= 12 if mode == "decimals" else 1 <= amount <= 12):
        raise CnnTuiError(tr("the tolerance {mode} is a whole number from {low} to 12, got {amount:g}",
                             mode=mode, low=0 if mode == "decimals" else 1, amount=amount))
    return Tolerance(mode, amount)
