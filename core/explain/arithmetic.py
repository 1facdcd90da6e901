"""Evaluate a derivation's numbers as a learner's calculator would, and say whether they
give the result shown.

The explainer writes every formula with its numbers (``0.1 − 0.5·(−0.294)·0.608``) and
uses this module to check that those numbers, evaluated as written, give the result to
the precision it is shown with; if not, it writes the numbers with more digits (see
``core.explain.explainer.explain``). The notation read here is the derivations' own:
true minus, ``·``, ``×``, ``/``, superscript powers (``²``, ``0.9¹⁰``), ``^``, ``e^``,
``ln``, ``exp``, ``tanh``, ``σ``, ``erf``, ``Φ``, ``φ``, ``√`` (of the number or group right
after it: ``√0.25 + 1`` is 1.5), ``π`` (``2π`` is 2·π), ``max``, ``min``, ``½``,
parentheses and scientific notation. Anything else (a symbol, an elided term) is not
arithmetic and raises NotArithmetic.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    import numpy as np

_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?(?:e[−-]?[0-9]+)?")
_WORDS = ("ln", "exp", "tanh", "erf", "max", "min", "e^")
_SINGLE = "()+-−·×*/,^½σΦφ√π"
_POWER_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_POWER = re.compile(f"⁻?[{_POWER_DIGITS}]+")  # a superscript exponent: ², ¹⁰, ⁻¹
_UNARY: dict[str, Callable[[float], float]] = {
    "ln": math.log, "exp": math.exp, "tanh": math.tanh, "σ": lambda z: 1.0 / (1.0 + math.exp(-z)),
    "e^": math.exp, "erf": math.erf,
    "Φ": lambda z: 0.5 * math.erfc(-z / math.sqrt(2.0)),  # the standard normal's distribution
    "φ": lambda z: math.exp(-0.5 * z * z) / math.sqrt(2.0 * math.pi),  # and its density
}


def _power(base: float, exponent: float) -> float:
    """``base ^ exponent`` as a calculator gives it: a negative number to a fractional power
    has no real value (an error, as a division by zero is), where Python would give a complex."""
    value = base ** exponent
    if isinstance(value, complex):
        raise ValueError("no real power")
    return float(value)


class NotArithmetic(ValueError):
    """The text holds something other than numbers and the operators of the notation."""


_TOKEN = re.compile("|".join([_NUMBER.pattern, *(re.escape(w) for w in _WORDS), _POWER.pattern,
                               "[" + re.escape(_SINGLE) + "]"]))


def _exponent(token: str) -> int:
    """A superscript exponent's value: ``²`` → 2, ``¹⁰`` → 10, ``⁻¹`` → −1."""
    digits = "".join(str(_POWER_DIGITS.index(c)) for c in token.lstrip("⁻"))
    return -int(digits) if token.startswith("⁻") else int(digits)


def _tokens(text: str) -> list[str]:
    out: list[str] = _TOKEN.findall(text)
    if sum(map(len, out)) != len(text) - text.count(" "):  # something else is in it (a symbol, …)
        raise NotArithmetic(text)
    return out


class _Reader:
    """Precedence, lowest first: + −, then · × / (and a number against π: 2π), then unary
    minus, then ² ^ (as on paper: −0.5² is −0.25), then √ and the functions, which take the
    number or group right after them."""

    def __init__(self, tokens: list[str]) -> None:
        self.tokens = tokens
        self.at = 0

    def next_is(self, *options: str) -> bool:
        return self.at < len(self.tokens) and self.tokens[self.at] in options

    def pop(self, wanted: str | None = None) -> str:
        if self.at >= len(self.tokens) or (wanted is not None and self.tokens[self.at] != wanted):
            raise NotArithmetic(" ".join(self.tokens))
        self.at += 1
        return self.tokens[self.at - 1]

    def sum(self) -> float:
        total = self.product()
        while self.next_is("+", "-", "−"):
            sign = self.pop()
            right = self.product()
            total = total + right if sign == "+" else total - right
        return total

    def product(self) -> float:
        value = self.signed()
        while self.next_is("·", "×", "*", "/", "π"):
            if self.next_is("π"):  # 2π
                self.pop()
                value *= math.pi
                continue
            op = self.pop()
            right = self.signed()
            value = value / right if op == "/" else value * right
        return value

    def signed(self) -> float:
        if self.next_is("-", "−"):
            self.pop()
            return -self.signed()
        if self.next_is("+"):
            self.pop()
            return self.signed()
        return self.raised()

    def raised(self) -> float:
        base = self.operand()
        if self.at < len(self.tokens) and _POWER.fullmatch(self.tokens[self.at]):
            return float(base ** _exponent(self.pop()))
        if self.next_is("^"):
            self.pop()
            exponent: float = self.signed()
            return _power(base, exponent)
        return base

    def operand(self) -> float:
        token = self.pop()
        held = self._held(token)
        if held is not None:
            return held
        if token == "(":
            inner = self.sum()
            self.pop(")")
            return inner
        if token == "½":
            return 0.5
        if token == "π":
            return math.pi
        if token == "√":  # √0.0027 + ε, √(σ² + ε): the number or group right after it
            return self._each(math.sqrt, self.operand())
        if token in _UNARY:
            # ln 0.706 and e^0.44 take the number after them; e^(−z), σ(z), tanh(z) a group
            # (e^ of a bare slot, whose sign is the element's, takes it signed)
            bare = self._slot()
            argument = self.signed() if token == "e^" and (self.next_is("-", "−") or (bare is not None and bare.bare)) \
                else self.raised()
            return self._each(_UNARY[token], argument)
        if token in ("max", "min"):
            self.pop("(")
            values = [self.sum()]
            while self.next_is(","):
                self.pop()
                values.append(self.sum())
            self.pop(")")
            return self._each(lambda *v: max(v) if token == "max" else min(v), *values)
        if _NUMBER.fullmatch(token):
            return float(token.replace("−", "-"))
        raise NotArithmetic(" ".join(map(str, self.tokens)))

    def _held(self, token: str) -> float | None:
        """A token that is its value already (the array reader's slots); None for text."""
        return None

    def _slot(self) -> Slot | None:
        """The next token when it is an array's slot (never, in a text)."""
        return None

    def _each(self, function: Callable[..., float], *arguments: float) -> float:
        """``function`` of the arguments (the array reader: of every element's)."""
        return function(*arguments)


def evaluate(text: str) -> float:
    """The value of a formula's numbers: ``evaluate("0.1 − 0.5·(−0.294)·0.608")`` is 0.189376.

    Raises NotArithmetic when the text is not numbers and operators only; a division by
    zero or an overflow raises as Python's arithmetic does.
    """
    tokens = _tokens(text)
    value = plain_value(tokens)
    if value is not None:
        return float(value)
    reader = _Reader(tokens)
    value = reader.sum()
    if reader.at != len(reader.tokens):
        raise NotArithmetic(text)
    return value


_SIGNS = ("+", "-", "−")
_TIMES = ("·", "×", "*", "/")
Number: TypeAlias = "float | np.ndarray"  # a number read, or one per element of an array of formulas


def plain_value(tokens: Sequence[str | Number]) -> Number | None:
    """The value of the most common formulas (sums of products of numbers, a negative number
    in parentheses: ``0.1 − 0.5·(−0.294)·0.608``) in one pass, with the very operations
    ``_Reader`` does in the same order; None for anything else (the reader takes it).

    A token that is not text is a number already read: a float, or an array of floats, one
    per element of an array of formulas that share their text but for those numbers
    (``core.explain.array_lines``): each element then gets the same operations, at once."""
    n = len(tokens)
    words = [token if type(token) is str else None for token in tokens] + [None, None, None]  # None: a number
    at = 0
    total: Number = 0.0
    sign = ""  # the first product starts the sum
    op = "·"
    while True:
        value: Number | None = None
        while True:  # a product: signed numbers joined by · × * /
            negative = False
            while words[at] in _SIGNS:
                negative ^= words[at] != "+"
                at += 1
            if at >= n:
                return None
            word = words[at]
            number: Number
            if word is None:
                number = tokens[at]  # type: ignore[assignment]  # a number already read (words says so)
                at += 1
            elif word == "(":  # only "(number)" or "(−number)"
                inner_negative = words[at + 1] in ("-", "−")
                first = at + 2 if inner_negative else at + 1
                inner = words[first]
                if words[first + 1] != ")" or inner is None or not _NUMBER.fullmatch(inner):
                    return None
                number = float(inner.replace("−", "-"))
                number = -number if inner_negative else number
                at = first + 2
            elif _NUMBER.fullmatch(word):
                number = float(word.replace("−", "-"))
                at += 1
            else:
                return None
            after = words[at] if at < n else ""
            if after is not None and (after == "^" or after == "π" or _POWER.fullmatch(after)):
                return None  # powers and π: the reader's
            number = -number if negative else number
            if value is None:
                value = number
            else:
                value = value / number if op == "/" else value * number
            if after in _TIMES:
                op = after  # in _TIMES: text
                at += 1
                continue
            break
        assert value is not None
        total = value if not sign else (total + value if sign == "+" else total - value)
        if at == n:
            return total
        after = words[at]
        if after not in _SIGNS:
            return None
        sign = after  # in _SIGNS: text
        at += 1


def shown_places(result: str) -> int:
    """Decimal places of a number as shown: ``0.347`` → 3, ``0.0000326`` → 7, ``3.26e−7`` → 9."""
    mantissa, _, exponent = result.replace("−", "-").partition("e")
    return len(mantissa.partition(".")[2]) - (int(exponent) if exponent else 0)


def reproduces(numbers: str, result: str, halfway: bool = False) -> bool:
    """Do ``numbers``, evaluated as written, give ``result`` to its shown precision (within half
    a unit of its last digit; ``halfway`` lets a value exactly half-way count, as a rounding
    half away from zero gives it)? Text that is not arithmetic (nothing to compute) counts as yes."""
    try:
        float(result.replace("−", "-"))  # a result that is no number (∞) never reproduces
        value = evaluate(numbers)
    except NotArithmetic:
        return True
    except (ValueError, ArithmeticError):
        return False
    return value_reproduces(value, result, halfway)


def value_reproduces(value: float, result: str, halfway: bool = False) -> bool:
    """Does ``value`` (what a formula's numbers evaluate to) give ``result`` to its shown
    precision? ``reproduces`` once the numbers are evaluated: a writer that worked the value
    out from the very numbers it wrote asks this directly, without reading them again."""
    try:
        shown = float(result.replace("−", "-"))
    except ValueError:
        return False
    if not (math.isfinite(value) and math.isfinite(shown)):
        return value == shown
    half = 0.5 * 10.0 ** (-shown_places(result))
    return abs(value - shown) <= half * ((1 + 1e-9) if halfway else (1 - 1e-9))


class Slot:
    """A number of an array of formulas that share their text but for their numbers
    (``core.explain.array_lines``): its value at every element, as read back from its text.
    ``bare``: written as it is (``−0.5``, its minus a token of the formula, read as the
    calculator reads that token where it stands); otherwise as a factor (``(−0.5)``)."""

    __slots__ = ("values", "bare", "negative")

    def __init__(self, values: np.ndarray, bare: bool) -> None:
        import numpy as np

        self.values = values
        self.bare = bare
        self.negative = values < 0 if bare else np.zeros(values.shape, dtype=bool)


class NotSameShape(ValueError):
    """Where the formula's reading depends on a bare number's sign (``√−0.5`` is not
    arithmetic, ``√0.5`` is), the elements are not read alike: read them one by one."""


class _ArrayReader(_Reader):
    """``_Reader`` over formulas whose numbers are ``Slot`` tokens: every element gets the
    very operations the reader does on its own text, in the same order, at once (IEEE
    +, −, ·, / of NumPy are Python's); the functions and powers are Python's own, element
    by element. An element where Python's arithmetic raises (a division by zero, an
    overflow of ** or exp, ln 0) is marked in ``failed``, as ``reproduces`` says no to it."""

    def __init__(self, tokens: list[str | Slot], count: int) -> None:
        import numpy as np

        super().__init__(tokens)  # type: ignore[arg-type]
        self.count = count
        self.failed = np.zeros(count, dtype=bool)
        self.unsigned = False  # the next operand is a bare number whose sign ``signed`` applies
        self._unsigned_now = False

    def _slot(self) -> Slot | None:
        token = self.tokens[self.at] if self.at < len(self.tokens) else None
        return token if isinstance(token, Slot) else None

    def next_is(self, *options: str) -> bool:
        return self.at < len(self.tokens) and type(self.tokens[self.at]) is str and self.tokens[self.at] in options

    def pop(self, wanted: str | None = None) -> str:
        if self.at >= len(self.tokens) or (wanted is not None and self.tokens[self.at] != wanted):
            raise NotArithmetic(wanted or "")
        self.at += 1
        return self.tokens[self.at - 1]

    def sum(self) -> Number:  # type: ignore[override]
        total = self.product()
        while True:
            slot = self._slot()
            if slot is not None and slot.negative.any():  # "0.5 −0.2": a bare number's minus taken as an operator
                raise NotSameShape(" ".join(map(str, self.tokens)))
            if not self.next_is("+", "-", "−"):
                return total
            sign = self.pop()
            right = self.product()
            total = total + right if sign == "+" else total - right

    def product(self) -> Number:  # type: ignore[override]
        value = self.signed()
        while self.next_is("·", "×", "*", "/", "π"):
            if self.next_is("π"):
                self.pop()
                value = value * math.pi
                continue
            op = self.pop()
            right = self.signed()
            if op == "/":
                value = self._divided(value, right)
            else:
                value = value * right
        return value

    def _divided(self, value: Number, right: Number) -> Number:
        import numpy as np

        zero = np.broadcast_to(np.asarray(right) == 0, (self.count,))
        self.failed |= zero
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            return np.where(zero, math.nan, np.asarray(value) / np.where(zero, 1.0, right))

    def signed(self) -> Number:  # type: ignore[override]
        import numpy as np

        slot = self._slot()
        if slot is not None and slot.bare:  # its own minus, where there is one, read here
            self.unsigned = True
            value = self.raised()
            return np.where(slot.negative, -np.asarray(value), value)
        if self.next_is("-", "−"):
            self.pop()
            return -self.signed()
        if self.next_is("+"):
            self.pop()
            return self.signed()
        return self.raised()

    def raised(self) -> Number:  # type: ignore[override]
        base = self.operand()
        token = self.tokens[self.at] if self.at < len(self.tokens) else None
        if type(token) is str and _POWER.fullmatch(token):
            exponent = _exponent(self.pop())
            return self._each(lambda b: float(b ** exponent), base)
        if self.next_is("^"):
            self.pop()
            power = self.signed()
            return self._each(_power, base, power)
        return base

    def operand(self) -> Number:  # type: ignore[override]
        self._unsigned_now, self.unsigned = self.unsigned, False
        return super().operand()

    def _held(self, token: str | Slot) -> Number | None:  # type: ignore[override]
        import numpy as np

        if not isinstance(token, Slot):
            return None
        if token.bare and token.negative.any() and not self._unsigned_now:  # "√−0.5": not arithmetic there
            raise NotSameShape(" ".join(map(str, self.tokens)))
        values: Number = np.abs(token.values) if token.bare else token.values
        return values

    def _each(self, function: Callable[..., float], *arguments: Number) -> Number:  # type: ignore[override]
        """``function`` of every element's arguments, Python's own (NaN and ``failed``
        where it raises as ``reproduces`` counts a no)."""
        import numpy as np

        columns = [np.broadcast_to(np.asarray(a, dtype=np.float64), (self.count,)).tolist() for a in arguments]
        out = np.empty(self.count)
        failed = self.failed.tolist()
        for i, row in enumerate(zip(*columns)):
            if failed[i]:  # Python's arithmetic stopped at this element already
                out[i] = math.nan
                continue
            try:
                out[i] = function(*row)
            except (ValueError, ArithmeticError):
                out[i] = math.nan
                self.failed[i] = True
        return out


def array_value(tokens: list[str | Slot], count: int) -> tuple[np.ndarray, np.ndarray] | None:
    """The value of ``count`` formulas that share their text but for their numbers (the
    ``Slot`` tokens) and, per element, whether Python's arithmetic raised on it
    (``reproduces`` says no then); None when the text is not arithmetic (``reproduces``
    says yes to every element). Raises NotSameShape when a bare number's sign changes how
    the text reads: the caller reads those elements one by one."""
    import numpy as np

    reader = _ArrayReader(tokens, count)
    try:
        value = reader.sum()
        if reader.at != len(reader.tokens):
            raise NotArithmetic(" ".join(map(str, tokens)))
    except NotArithmetic:
        return None
    return np.broadcast_to(np.asarray(value, dtype=np.float64), (count,)), reader.failed
