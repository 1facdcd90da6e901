"""fmt's common case (fixed decimals, no trim, no significant digits) is written without
Decimal: it must give exactly the text of ``_fixed``, the calculator's rounding, for every
value, ties included."""

from __future__ import annotations

import math
import random

from hypothesis import given
from hypothesis import strategies as st

from core.numbers import MINUS, _fixed, fmt


def calculator(v: float, decimals: int) -> str:
    """What fmt wrote before the fast route, for values past half the last place."""
    return _fixed(v, decimals).replace("-", MINUS)


def in_fast_range(v: float, decimals: int) -> bool:
    return 0.5 * 10.0 ** -decimals < abs(v) < 1e6


def test_ties_round_half_away_from_zero_as_the_calculator() -> None:
    checked = 0
    for decimals in range(1, 9):
        unit = 10.0 ** -decimals
        for m in range(-3000, 3000):
            for v in ((m + 0.5) * unit, m * unit, math.nextafter((m + 0.5) * unit, math.inf),
                      math.nextafter((m + 0.5) * unit, -math.inf), (m + 0.5) * unit * 1000):
                if in_fast_range(v, decimals):
                    assert fmt(v, decimals) == calculator(v, decimals), (v, decimals)
                    checked += 1
    assert checked > 200_000


def test_known_texts() -> None:
    assert fmt(2.675, 2) == "2.68"  # 2.67499999… in binary, 2.675 on a calculator
    assert fmt(-0.006499999999999992, 4) == MINUS + "0.0065"
    assert fmt(0.00015, 4) == "0.0002"  # half of the last place: away from zero
    assert fmt(9.99995, 4) == "10.0000"  # the carry reaches the integer part
    assert fmt(-999999.99995, 4) == MINUS + "999999.9999"  # 999999.9999499999… even to 11 places
    assert fmt(0.70629, 3) == "0.706"


def test_random_values_of_every_size() -> None:
    rng = random.Random(15)
    for _ in range(20_000):
        decimals = rng.randint(1, 8)
        v = rng.choice((1, -1)) * 10 ** rng.uniform(-decimals, 6)
        for value in (v, round(v, rng.randint(0, 9)), rng.randint(-10**7, 10**7) / 10 ** rng.randint(0, 9)):
            if in_fast_range(value, decimals):
                assert fmt(value, decimals) == calculator(value, decimals), (value, decimals)


@given(st.floats(allow_nan=True, allow_infinity=True), st.integers(0, 9))
def test_outside_the_range_unchanged(v: float, decimals: int) -> None:
    """Zero, −0, tiny, huge and non-finite values keep their own routes (spot values)."""
    text = fmt(v, decimals)
    if in_fast_range(v, decimals) and decimals:
        assert text == calculator(v, decimals)
    elif not math.isfinite(v):
        assert text in ("∞", MINUS + "∞", "NaN")
    elif v == 0:
        assert text == _fixed(0.0, decimals)  # −0 shows as 0


def test_special_values() -> None:
    assert fmt(-0.0, 4) == "0.0000"
    assert fmt(1e-300, 4) == "1e" + MINUS + "300"
    assert fmt(1e300, 3) == "1.000e300"
    assert fmt(math.inf, 3) == "∞" and fmt(-math.inf, 3) == MINUS + "∞" and fmt(math.nan, 3) == "NaN"
    assert fmt(0.00004, 4) == "0.00004"  # too small for the decimals: significant digits
