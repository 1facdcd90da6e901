"""How numbers are written for a learner: fixed decimals, small values kept readable.

``fmt(v, 3)`` gives ``0.706``, ``−0.294`` (a true minus sign) and, for a value too small
for the decimals, three significant digits (``0.0000326``) rather than a misleading
``0.000``. ``decimals=None`` gives full precision (the shortest text that reads back as
the same float).
"""

from __future__ import annotations

import numpy as np

MINUS = "−"


def fmt(value: float, decimals: int | None = 3, trim: bool = False, sig: int = 0) -> str:
    """One number for display; ``trim`` drops trailing zeros (0.100 → 0.1, 1.000 → 1).

    ``sig`` keeps at least that many significant digits for values below 1 that the
    decimals would cut short (0.0014 → 0.0014, not 0.001), as the derivations use it, so
    the numbers of a formula multiply to its result.
    """
    v = float(value)
    if not np.isfinite(v):
        return "∞" if v > 0 else (MINUS + "∞" if v < 0 else "NaN")
    if decimals is None:
        text = repr(v)
    elif v != 0 and abs(v) < 0.5 * 10.0 ** (-decimals):
        text = np.format_float_positional(v, precision=3, fractional=False, trim="-")
    elif sig and v != 0 and abs(v) < 10.0 ** (sig - 1 - decimals):
        text = np.format_float_positional(v, precision=sig, fractional=False, trim="-" if trim else "k")
    else:
        text = f"{v:.{decimals}f}"
        if float(text) == 0:
            text = text.lstrip("-")
        if trim and "." in text:
            text = text.rstrip("0").rstrip(".")
    return text.replace("-", MINUS)


def pfmt(value: float, decimals: int | None = 3, trim: bool = False, sig: int = 0) -> str:
    """Like fmt, but a negative number is wrapped in parentheses, for use inside a product."""
    text = fmt(value, decimals, trim, sig)
    return f"({text})" if text.startswith(MINUS) else text


def round_as_shown(arr: np.ndarray, decimals: int) -> np.ndarray:
    """Round every value to exactly what ``fmt(v, decimals)`` shows (hand-rounding mode).

    Values too small for the decimals keep three significant digits, as they are shown.
    Rounding goes through the decimal text, so ties round as the display does.
    """
    flat = np.asarray(arr, dtype=np.float64).ravel()
    limit = 0.5 * 10.0 ** (-decimals)
    out = np.empty_like(flat)
    for i, v in enumerate(flat.tolist()):
        if v != 0 and abs(v) < limit:
            out[i] = float(np.format_float_positional(v, precision=3, fractional=False, trim="-"))
        else:
            out[i] = float(f"{v:.{decimals}f}")
    return out.reshape(np.shape(arr))


def parse_number(text: str) -> float:
    """Read a number a user typed (accepts the true minus sign and a decimal comma).

    Raises ValueError with a readable message.
    """
    cleaned = text.strip().replace(MINUS, "-").replace("−", "-")
    if "," in cleaned and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    if not cleaned:
        raise ValueError("type a number, e.g. 0.25 or -1e-3")
    try:
        value = float(cleaned)
    except ValueError:
        raise ValueError(f"'{text.strip()}' is not a number (e.g. 0.25 or -1e-3)") from None
    if not np.isfinite(value):
        raise ValueError(f"'{text.strip()}' is not a finite number")
    return value


def written_decimals(text: str) -> int:
    """Decimals as written: ``0.706`` → 3, ``-0.5`` → 1, ``2`` → 0, ``1.5e-3`` → 4."""
    mantissa, _, exponent = text.strip().lower().partition("e")
    places = len(mantissa.partition(".")[2])
    try:
        shift = int(exponent) if exponent else 0
    except ValueError:
        shift = 0
    return max(places - shift, 0)
