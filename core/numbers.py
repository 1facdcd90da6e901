"""How numbers are written for a learner: fixed decimals, small values kept readable.

``fmt(v, 3)`` gives ``0.706``, ``−0.294`` (a true minus sign) and, for a value too small
for the decimals, three significant digits (``0.0000326``) rather than a misleading
``0.000``. ``decimals=None`` gives full precision (the shortest text that reads back as
the same float). Whatever the value, the text stays short: magnitudes from 10^9 up and
below 10^−6 are written in scientific notation, ``1.000e308``, ``−3.2e−12`` (the same
compact form as the grid's cells), never as a 309-digit integer.

``parse_number`` reads what a user types: ASCII decimal notation only, so what is
accepted is exactly what a scenario file can hold.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Context, Decimal
from operator import itemgetter
from typing import TypeVar

import numpy as np

from core.i18n import mark, tr
from core.text import quote

MINUS = "−"
LARGE = 1e9  # from here up, scientific notation (a 10-digit integer part is already hard to read)
MOST_PLACES = 30  # places written at most (the display's 15 and a derivation's 12 more); past them, the float
SMALL = 1e-6  # below this, scientific notation (0.00000326 would be all zeros to count)
_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_LEADING_ZEROS = re.compile(r"([+-]?)0+([0-9]+)")
ACCEPTED = mark("ASCII digits with one '.', e.g. 0.25, −1.5 or 2e-3")  # what parse_number reads (tr() it)


def _sci(v: float, precision: int, unique: bool = False, trim: bool = False) -> str:
    """``v`` as ``mantissa e exponent`` (``3.26e-7``) with ``precision`` digits after the
    point (at most that many with ``unique``: the shortest that reads back); the exponent
    without ``+`` or leading zeros."""
    text = np.format_float_scientific(v, precision=precision, unique=unique, trim="-" if trim else "k")
    return _plain_exponent(text)


def _plain_exponent(text: str) -> str:
    """``1.5e+20`` → ``1.5e20``, ``1e-07`` → ``1e-7`` (repr's and NumPy's exponents, made compact)."""
    mantissa, e, exponent = text.partition("e")
    return f"{mantissa.rstrip('.')}e{int(exponent)}" if e else text


def _decimal(v: float) -> Decimal:
    """The decimal number a float stands for, as a calculator holds it: 15 significant digits,
    so the noise of binary arithmetic is gone (0.3 + 0.01785 is 0.31784999999999997 in
    binary, 0.31785 on a calculator)."""
    return Decimal(f"{v:.15g}")


def _fixed(v: float, decimals: int) -> str:
    """``v`` to ``decimals`` places as a calculator rounds it: the decimal number it reads
    as, seven places further (0.1 − 0.5·0.213 is −0.006499999999999992 in binary, −0.0065
    on a calculator), halves away from zero (0.5 → 1, 2.675 → 2.68 at 2 places). Any
    count of places: an expected value written ``1e-310`` is checked to 310 (Decimal's
    usual 28 digits would refuse to round to them), ``v`` is below 10^9 here."""
    exact = Decimal(f"{v:.{decimals + 7}f}")
    wide = None if decimals <= 16 else Context(prec=decimals + 12)  # (Decimal's usual 28 digits do to 16)
    text = f"{exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP, context=wide):f}"
    return text.lstrip("-") if float(text) == 0 else text


def _significant(v: float, digits: int) -> str:
    """``v`` with ``digits`` significant digits, trailing zeros kept (0.0013988 → 0.00140 at 3),
    rounded as ``_fixed`` rounds."""
    exact = _decimal(v)
    top = exact.adjusted()
    rounded = exact.quantize(Decimal(1).scaleb(top - digits + 1), rounding=ROUND_HALF_UP)
    if rounded.adjusted() > top:  # 0.000999 → 0.00100: one digit fewer after the point
        rounded = rounded.quantize(Decimal(1).scaleb(top - digits + 2), rounding=ROUND_HALF_UP)
    return f"{rounded:f}"


def rounded_text(value: float, decimals: int) -> str:
    """``value`` rounded to exactly ``decimals`` places as a calculator does (half away from
    zero), with the true minus: ``rounded_text(0.38461, 3)`` → ``0.385``. Unlike ``fmt`` it
    never switches to significant digits, so a check can say what a value rounds to. Past
    ``MOST_PLACES`` (a value typed or expected as ``1e-310``) it writes as ``fmt`` does."""
    v = float(value)
    if not np.isfinite(v) or abs(v) >= LARGE or decimals > MOST_PLACES:
        return fmt(v, decimals)  # 1.000e300, never 301 digits; 0.7513650695523156, never 310 places
    return _fixed(v, decimals).replace("-", MINUS)


def fmt(value: float, decimals: int | None = 3, trim: bool | str = False, sig: int = 0) -> str:
    """One number for display; ``trim`` drops trailing zeros (0.100 → 0.1, 1.000 → 1);
    ``trim="exact"`` drops them only when the shorter text is the number itself (0.1 given
    as 0.1 → ``0.1``, but 0.3799 → ``0.380``: its zero says it was rounded); a difference
    in the last bits of a float (0.8 − 0.5 = 0.30000000000000004) does not count.

    ``sig`` keeps at least that many significant digits for values below 1 that the
    decimals would cut short (0.0014 → 0.0014, not 0.001), as the derivations use it, so
    the numbers of a formula multiply to its result.
    """
    v = float(value)
    if not trim and not sig and decimals is not None and 0 < decimals <= 8 \
            and 0.5 * 10.0 ** -decimals < abs(v) < 1e6:
        # the common case, ``_fixed``'s rounding without Decimal: v written to decimals + 7
        # places is the number ``_fixed`` rounds half away from zero; unless those 7 digits
        # end in a tie (…5000000), that is v itself correctly rounded (the text is within
        # half of its last place of v, so both are on the same side of every half)
        text = f"{v:.{decimals + 7}f}"
        if not text.endswith("5000000"):
            text = f"{v:.{decimals}f}"
        else:  # a tie in the text: away from zero, one unit of the last place kept added as integers
            negative = text[0] == "-"
            digits = str(int(text[negative:-7].replace(".", "")) + 1).rjust(decimals + 1, "0")
            text = ("-" if negative else "") + digits[:-decimals] + "." + digits[-decimals:]
        return text.replace("-", MINUS)  # (never zero: |v| is past half the last place)
    if not np.isfinite(v):
        return "∞" if v > 0 else (MINUS + "∞" if v < 0 else "NaN")
    if decimals is not None and decimals > MOST_PLACES:  # an answer typed 1e-310 asks for 310 places:
        # past float64's digits they would be its binary expansion, so the float rounded to them, shortest
        return fmt(v if abs(v) >= LARGE else float(_fixed(v, decimals)), None)
    if decimals is None:
        text = _plain_exponent(repr(v))
        if (abs(v) >= LARGE or (v != 0 and abs(v) < SMALL)) and "e" not in text:
            text = _sci(v, 16, unique=True, trim=True)  # 1e12, not 1000000000000.0
        return text.replace("-", MINUS)
    exact_trim = trim == "exact"
    if abs(v) >= LARGE:
        text = _sci(v, decimals, trim=trim is True)
    elif v != 0 and abs(v) <= 0.5 * 10.0 ** (-decimals):  # three significant digits
        text = _sci(v, max(2, sig - 1), unique=True, trim=True) if abs(v) < SMALL else _significant(v, max(3, sig))
        if not exact_trim and "e" not in text:
            text = text.rstrip("0").rstrip(".")
    elif sig and v != 0 and abs(v) < 10.0 ** (sig - 1 - decimals):  # ``sig`` significant digits
        text = _sci(v, sig - 1, unique=True, trim=trim is True) if abs(v) < SMALL else _significant(v, sig)
        if trim is False and "e" not in text:  # a result: −0.0140 → −0.014, no zero beyond the decimals
            whole, _, places = text.partition(".")
            kept = places[:decimals] + places[decimals:].rstrip("0")
            text = f"{whole}.{kept}" if kept else whole
    else:
        text = _fixed(v, decimals)
    if trim and "." in text and "e" not in text:
        short = text.rstrip("0").rstrip(".")
        if not exact_trim or abs(float(short) - v) <= 1e-12 * max(1.0, abs(v)):  # 0.8 − 0.5 is 0.3
            text = short
    return text.replace("-", MINUS)


def pfmt(value: float, decimals: int | None = 3, trim: bool | str = False, sig: int = 0) -> str:
    """Like fmt, but a negative number is wrapped in parentheses, for use inside a product."""
    text = fmt(value, decimals, trim, sig)
    return f"({text})" if text.startswith(MINUS) else text


def round_as_shown(arr: np.ndarray, decimals: int) -> np.ndarray:
    """Round every value to exactly what ``fmt(v, decimals)`` shows (hand-rounding mode).

    Values too small for the decimals keep three significant digits, as they are shown;
    values from 10^9 up keep ``decimals`` digits after the point of their scientific form.
    Rounding goes through the decimal text, so ties round as the display does.
    """
    flat = np.asarray(arr, dtype=np.float64).ravel()
    limit = 0.5 * 10.0 ** (-decimals)
    out = np.empty_like(flat)
    for i, v in enumerate(flat.tolist()):
        if v != 0 and abs(v) <= limit:  # 0.0004998 → 0.0005, which then shows as 0.0005, not 0.001
            out[i] = float(_significant(v, 3))  # as fmt shows it: half away from zero, as a calculator
        elif LARGE <= abs(v) < np.inf:
            out[i] = float(_sci(v, decimals))
        elif np.isfinite(v):
            out[i] = float(_fixed(v, decimals))
        else:
            out[i] = v
    return out.reshape(np.shape(arr))


def compact(value: float, decimals: int, digits: int = 2) -> str:
    """A number in a grid cell: ``fmt``, except that a value too small for the decimals,
    whose three significant digits would widen its column, is written with ``digits``
    significant digits in scientific notation (``3.3e−5``, not ``0.0000326``), whichever is
    shorter (at 0 decimals ``0.1`` stays ``0.1``). Never wider than ``fmt``'s text."""
    v = float(value)
    text = fmt(v, decimals)
    if v != 0 and np.isfinite(v) and abs(v) <= 0.5 * 10.0 ** (-decimals):
        mantissa, _, exponent = f"{v:.{digits - 1}e}".partition("e")
        short = f"{mantissa}e{int(exponent)}".replace("-", MINUS)
        if len(short) < len(text):
            return short
    return text


def parse_number(text: str) -> float:
    """Read a number a user typed: ASCII decimal notation only (``0.25``, ``−1.5``, ``2e-3``).

    The true minus sign is accepted (the screen writes it); anything else a file could not
    hold as a number (``1,5``, ``1_000``, ``0x10``, ``inf``, other scripts' digits) is
    refused. Raises ValueError with a message that says what is accepted.
    """
    cleaned = text.strip().replace(MINUS, "-")
    if not cleaned:
        raise ValueError(tr("type a number: {accepted}", accepted=tr(ACCEPTED)))
    if _NUMBER.fullmatch(cleaned) is None:
        shown = quote(text.strip())
        if "," in cleaned and _NUMBER.fullmatch(cleaned.replace(",", ".", 1)):
            point = cleaned.replace(",", ".", 1).replace("-", MINUS)
            raise ValueError(tr("'{shown}': write the decimal point as '.' ({point}), not ','",
                                shown=shown, point=point))
        raise ValueError(tr("'{shown}' is not a number: type {accepted}", shown=shown, accepted=tr(ACCEPTED)))
    value = float(cleaned)
    if not np.isfinite(value):
        raise ValueError(tr("'{shown}' is too large: numbers must lie within ±1.8e308", shown=quote(text.strip())))
    if lost_to_zero(cleaned, value):
        raise ValueError(tr("'{shown}' is too small: float64 holds numbers down to 5e−324, and this one would be 0",
                            shown=quote(text.strip())))
    return value


_NONZERO_MANTISSA = re.compile(r"[-+]?[0-9._]*[1-9]")  # a digit 1-9 before any exponent


def lost_to_zero(text: str, value: float) -> bool:
    """Was a number written nonzero (``1e-400``, ``+1e-400``, ``1_0e-400``) read by float64 as 0?
    Such a number is refused, typed or in a file, never taken as 0 in silence."""
    return value == 0.0 and _NONZERO_MANTISSA.match(text.strip()) is not None


_COUNT = re.compile(r"[0-9]{1,3}(?:([,_]?)[0-9]{3})?(?:\1[0-9]{3})*|[0-9]+")


def parse_count(text: str) -> int:
    """Read a whole number of iterations or epochs: ASCII digits, optionally grouped by
    thousands (``1,000`` or ``1_000``). Other scripts' digits, signs and decimals are
    refused. Raises ValueError with a message saying what is accepted."""
    cleaned = text.strip()
    if not cleaned.isascii() or _COUNT.fullmatch(cleaned) is None:
        raise ValueError(tr("'{cleaned}' is not a whole number: type ASCII digits, e.g. 10 or 1,000",
                            cleaned=quote(cleaned)))
    return int(cleaned.replace(",", "").replace("_", ""))


def as_written(text: str) -> str:
    """A typed number as a scenario file keeps it (``expected`` values): stripped, the true
    minus as ``-``, and a whole number without leading zeros (YAML reads ``010`` as octal 8
    and ``08`` as text)."""
    cleaned = text.strip().replace(MINUS, "-")
    whole = _LEADING_ZEROS.fullmatch(cleaned)
    return whole.group(1) + whole.group(2) if whole else cleaned


def written_decimals(text: str) -> int:
    """Decimals as written: ``0.706`` → 3, ``-0.5`` → 1, ``2`` → 0, ``1.5e-3`` → 4."""
    mantissa, _, exponent = text.strip().lower().partition("e")
    places = len(mantissa.partition(".")[2])
    try:
        shift = int(exponent) if exponent else 0
    except ValueError:
        shift = 0
    return max(places - shift, 0)


_TIE = 1e-6  # a scaled value this close to half a unit is rounded by ``fmt`` itself (the decimal way)


def fmt_array(values: np.ndarray, decimals: int, trim: bool | str = False, sig: int = 0) -> list[str]:
    """``[fmt(v, decimals, trim, sig) for v in values]`` (flattened), the same texts made
    for a whole array at once: the class of each number (fixed decimals or significant
    digits) and its places are worked out in NumPy, and Python's ``%.*f`` writes it. What
    ``%.*f`` could round otherwise than ``fmt`` (a value at or within a millionth of a unit
    of a tie, next to a power of ten, very large or very small, not finite) is written by
    ``fmt``."""
    return fmt_array_read(values, decimals, trim, sig)[0]


with np.errstate(over="ignore"):
    _TENS = 10.0 ** np.arange(400)  # 10.0 ** k as NumPy works it out for an array of places (∞ from 10^309)


def _powers_of_ten(exponents: np.ndarray) -> np.ndarray:
    """``10.0 ** exponents`` (integers), the same floats, looked up in a table where they lie within it."""
    if exponents.size and (int(exponents.min()) < 0 or int(exponents.max()) >= _TENS.size):
        with np.errstate(over="ignore"):
            return np.asarray(10.0 ** exponents)
    found: np.ndarray = _TENS[exponents]
    return found


_FORMS: list[str] = []  # "%.0f", "%.1f", …: the format of each count of places, made as they are asked for


def _fixed_texts(v: np.ndarray, places: np.ndarray) -> list[str]:
    """``%.*f`` of every ``v`` at its places, the true minus before a negative one's digits
    (none before a zero: −0.0 is written as 0.0 is). One ``%`` of one format that holds a
    field per value, split at its newlines, then ``-`` made ``−`` in the whole text (``%f``
    writes no other ``-``): no Python call per value, and no sort by count of places."""
    if not v.size:
        return []
    most = int(places.max())
    if most >= len(_FORMS):
        _FORMS.extend(f"%.{k}f" for k in range(len(_FORMS), most + 1))
    form = "\n".join(itemgetter(*places.tolist())(_FORMS)) if v.size > 1 else _FORMS[most]
    return (form % tuple((v + 0.0).tolist())).replace("-", MINUS).split("\n")  # (−0.0 + 0.0 is 0.0)


def fmt_array_read(values: np.ndarray, decimals: int, trim: bool | str = False,
                   sig: int = 0, numbers: bytes | None = None) -> tuple[list[str], np.ndarray, np.ndarray]:
    """``fmt_array``'s texts, with what a reader of each text needs without reading it:
    (texts, the float each text reads back as, its decimals after the point). Worked out
    from the integer of its digits (``N / 10**places``, exact: both are floats exactly and
    the division rounds once, as reading the text does); NaN and −1 for a text this did
    not write itself (one ``fmt`` wrote, or one beyond 10^9 in its last place): the
    caller reads those. ``numbers``: the values' bytes, where the caller has them (the
    same numbers written lately in another format lend the texts they share,
    ``_fixed_texts_again``)."""
    v = np.asarray(values, dtype=np.float64).ravel()
    if decimals > MOST_PLACES:  # fmt's own rule past them (the rounded float, shortest): fmt writes each
        return ([fmt(x, decimals, trim, sig) for x in v.tolist()], np.full(v.size, np.nan),
                np.full(v.size, -1, dtype=np.int64))
    a = np.abs(v)
    d = decimals
    nonzero = v != 0
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        hard = ~np.isfinite(v) | (a >= LARGE) | (nonzero & (a < SMALL))
        small = nonzero & (a <= 0.5 * 10.0 ** (-d))  # three (or ``sig``) significant digits
        few = ~small & nonzero & (a < 10.0 ** (sig - 1 - d)) if sig else np.zeros_like(small)
        significant = small | few
        digits = np.where(small, max(3, sig), sig)
        log = np.log10(np.where(nonzero, a, 1.0))
        hard |= significant & (np.abs(log - np.round(log)) < 1e-9)  # next to a power of ten
        places = np.where(significant, digits - 1 - np.floor(log), d).astype(np.int64)
        scaled = a * _powers_of_ten(places)
        fine = scaled < 1e9  # the float's fraction of a unit is exact enough to see a tie
        hard |= fine & (np.abs(scaled - np.floor(scaled) - 0.5) < _TIE)  # a tie, or close to one
        coarse = np.flatnonzero(~fine & ~hard)
        # fmt rounds twice (to 15 significant digits, or to 7 places more, then half up):
        # beyond 1e9 a tie is seen in the digits of that first rounding
        guard = np.where(significant, 15 - digits, 7)
        first = places.copy()
        bumped = significant & (scaled >= _powers_of_ten(digits) - 0.5)  # 0.09996 → 0.100, one place fewer
        places -= bumped
    for i, g, k, x in zip(coarse.tolist(), guard[coarse].tolist(), first[coarse].tolist(), v[coarse].tolist()):
        if g > 0 and ("%.*f" % (k + g, x)).endswith("5" + "0" * (g - 1)):  # noqa: UP031
            hard[i] = True
    exact_trim = trim == "exact"
    # the digits as an integer, to count the zeros a text drops and to read it back
    known = fine & ~hard & (places <= 22)  # 10**places is a float exactly
    with np.errstate(invalid="ignore", over="ignore"):
        tens = _powers_of_ten(np.where(known, places, 0))
        whole = np.where(known, np.rint(a * tens), 0.0)
        back = np.where(known, np.copysign(whole / tens, v), np.nan)
        # the texts whose trailing zeros may go: a small value's (but with trim="exact"), a
        # result's beyond the decimals (trim=False), any (trim=True), or where the shorter
        # text is the number itself (trim="exact")
        if exact_trim:
            cuttable = np.abs(back - v) <= 1e-12 * np.maximum(1.0, a)  # (False where not known: back is NaN)
        else:
            cuttable = known if trim else known & significant
    zeros = np.zeros(v.size, dtype=np.int64)  # trailing zeros of the digits (within the places), where cuttable
    more = np.flatnonzero(cuttable & (places > 0))
    rest = whole[more]
    while more.size:  # the digits of those that end in a zero, one place less each time
        tenth = np.floor(rest / 10.0)  # (exact: integers below 10^10; a multiple of ten divides exactly)
        going = tenth * 10.0 == rest  # the last digit a zero (0 too)
        more, rest = more[going], tenth[going]
        zeros[more] += 1
        going = zeros[more] < places[more]
        more, rest = more[going], rest[going]
    if trim is False:  # a small value's trailing zeros go; a result's: −0.0140 → −0.014, no zero beyond the decimals
        dropped = np.where(few, np.minimum(zeros, np.maximum(places - d, 0)), np.where(small, zeros, 0))
    else:  # (zeros counted only where they go)
        dropped = zeros
    # a text without its trailing zeros is the number written with that many places fewer (a
    # number within half a unit of the last place of digits ending in zeros is within half a
    # unit of the shorter digits too, never at a tie), "%.0f" without the point: written so at once
    written = np.where(hard, 0, places - dropped)  # (fmt writes the hard ones: any places do here)
    out = _fixed_texts(v, written) if numbers is None else _fixed_texts_again(v, written, numbers)
    others = ~known & ~hard  # beyond 10^9 in its last place: the texts themselves are looked at
    if not exact_trim:
        for i in np.flatnonzero(small & others).tolist():
            out[i] = out[i].rstrip("0").rstrip(".")
    if trim is False:
        for i in np.flatnonzero(few & others).tolist():
            whole_part, _, decimal_places = out[i].partition(".")
            kept = decimal_places[:d] + decimal_places[d:].rstrip("0")
            out[i] = f"{whole_part}.{kept}" if kept else whole_part
    if trim:
        for i in np.flatnonzero(others).tolist():
            text = out[i]
            if text[-1] == "0" and "." in text:
                short = text.rstrip("0").rstrip(".")
                x = float(v[i])
                if not exact_trim or abs(float(short.replace(MINUS, "-")) - x) <= 1e-12 * max(1.0, abs(x)):
                    out[i] = short
    for i in np.flatnonzero(hard).tolist():
        out[i] = fmt(float(v[i]), d, trim, sig)
    shown = np.where(known, places - dropped, -1)
    return out, back, shown



_AGAIN_HELD = 8  # the ``%.*f`` texts of the last this many arrays written are kept for another format of them
_AGAIN: dict[bytes, tuple[np.ndarray, list[str]]] = {}


def _fixed_texts_again(v: np.ndarray, places: np.ndarray, numbers: bytes) -> list[str]:
    """``_fixed_texts(v, places)``, of numbers (their bytes: ``numbers``) whose texts may
    have been written lately at other places: a layer's new weights written as results are
    the next iteration's weights, written as operands (another trim), and most numbers get
    the same places either way. A text is a function of its number and places alone, so
    the texts at the same places are taken again and only the others written."""
    held = _AGAIN.pop(numbers, None)
    if held is None or held[0].shape != places.shape:
        out = _fixed_texts(v, places)
    else:
        before, texts = held
        out = list(texts)
        changed = np.flatnonzero(before != places)
        for i, text in zip(changed.tolist(), _fixed_texts(v[changed], places[changed])):
            out[i] = text
    _hold(_AGAIN, numbers, (places, list(out)), _AGAIN_HELD)  # (a copy: the caller changes its list)
    return out


K = TypeVar("K")
V = TypeVar("V")


def _hold(held: dict[K, V], key: K, value: V, most: int) -> None:
    """``held[key] = value`` as the newest of at most ``most`` entries: the one used longest
    ago goes first (the caller pops an entry it uses, so the order is of use)."""
    if len(held) >= most:
        try:  # (another thread may have taken it out already)
            held.pop(next(iter(held)), None)
        except (StopIteration, RuntimeError):
            pass
    held[key] = value


REMEMBERED = 1024  # arrays of at least this many numbers are looked up among those written lately
_HELD = 16  # the texts of the last this many such arrays are kept
_WRITTEN: dict[tuple[int, bool | str, int, bytes], tuple[list[str], np.ndarray, np.ndarray]] = {}


def fmt_array_read_remembered(values: np.ndarray, decimals: int, trim: bool | str = False,
                              sig: int = 0) -> tuple[list[str], np.ndarray, np.ndarray]:
    """``fmt_array_read`` of an array, taken again when the same numbers were written with
    the same format lately: a layer's weights are the operands of its net and of its
    update, and the next iteration's given values are this one's new ones (the texts of
    a number depend on that number alone)."""
    v = np.asarray(values, dtype=np.float64).ravel()
    if v.size < REMEMBERED:
        return fmt_array_read(v, decimals, trim, sig)
    key = (decimals, trim, sig, v.tobytes())
    held = _WRITTEN.pop(key, None)
    if held is None:
        held = fmt_array_read(v, decimals, trim, sig, key[3])
    _hold(_WRITTEN, key, held, _HELD)
    return list(held[0]), held[1].copy(), held[2].copy()
