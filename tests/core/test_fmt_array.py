"""``fmt_array`` writes a whole array's numbers as ``fmt`` writes each one (the text report
writes every value of a layer at once with it): the same text for every value, decimals,
trim and significant digits, ties and powers of ten included."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.explain.arithmetic import shown_places
from core.numbers import fmt, fmt_array, fmt_array_read

_RNG = np.random.default_rng(7)
_EDGES = [0.0, -0.0, 0.5, -0.5, 0.0005, -0.0005, 0.00049999, 0.1, 1.0, 2.675, 0.0999, 0.09996, -0.0999996,
          0.001, 0.0009999999, 1e-6, 9.99e-7, 1.5e-7, np.inf, -np.inf, np.nan, 1e9, 999999999.9996, 123456.7895,
          0.30000000000000004, 0.1895, -0.0065, 0.1 - 0.5 * 0.213, 0.3 + 0.01785,
          0.12345678905, 0.012345678905, 1.0000000000005, 0.1234567890125, 0.00123456789012345, 2.5e-13 + 0.1]
_VALUES = np.concatenate([_EDGES, _RNG.standard_normal(600) * 10.0 ** _RNG.integers(-8, 10, 600),
                          np.round(_RNG.standard_normal(300), 3), np.round(_RNG.standard_normal(300), 4) + 0.00005,
                          np.round(_RNG.standard_normal(300) * 0.01, 5)])


@pytest.mark.parametrize("decimals", [0, 1, 3, 4, 6, 9, 12, 15])
@pytest.mark.parametrize("trim", [False, True, "exact"])
@pytest.mark.parametrize("sig", [0, 3, 4, 7, 12, 15])
def test_every_number_is_written_as_fmt_writes_it(decimals: int, trim: bool | str, sig: int) -> None:
    expected = [fmt(x, decimals, trim, sig) for x in _VALUES.tolist()]
    assert fmt_array(_VALUES, decimals, trim, sig) == expected


@settings(max_examples=150, deadline=None)
@given(st.lists(st.floats(allow_nan=True, allow_infinity=True, width=64), min_size=1, max_size=40),
       st.integers(0, 15), st.sampled_from([False, True, "exact"]), st.integers(0, 15))
def test_any_floats_are_written_as_fmt_writes_them(values: list[float], decimals: int, trim: bool | str,
                                                   sig: int) -> None:
    assert fmt_array(np.array(values), decimals, trim, sig) == [fmt(x, decimals, trim, sig) for x in values]


def test_an_array_of_any_shape_is_written_in_reading_order() -> None:
    grid = np.array([[0.25, -1.5], [0.0001234, 3.0]])
    assert fmt_array(grid, 3) == ["0.250", "−1.500", "0.000123", "3.000"]


def _read(text: str) -> tuple[float, int]:
    """What a reader takes from a written number: its value and its decimals."""
    return float(text.replace("−", "-")), shown_places(text)


@pytest.mark.parametrize("decimals", [0, 1, 3, 4, 6, 12])
@pytest.mark.parametrize("trim", [False, True, "exact"])
@pytest.mark.parametrize("sig", [0, 3, 4, 15])
def test_the_values_and_decimals_worked_out_are_those_of_the_texts(decimals: int, trim: bool | str,
                                                                    sig: int) -> None:
    texts, back, places = fmt_array_read(_VALUES, decimals, trim, sig)
    assert texts == fmt_array(_VALUES, decimals, trim, sig)
    known = np.flatnonzero(places >= 0)
    assert np.isnan(back[places < 0]).all()
    for i in known.tolist():
        assert (float(back[i]), int(places[i])) == _read(texts[i]), texts[i]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.floats(allow_nan=True, allow_infinity=True, width=64), min_size=1, max_size=40),
       st.integers(0, 15), st.sampled_from([False, True, "exact"]), st.integers(0, 15))
def test_any_floats_read_back_as_their_texts_read(values: list[float], decimals: int, trim: bool | str,
                                                  sig: int) -> None:
    texts, back, places = fmt_array_read(np.array(values), decimals, trim, sig)
    for text, value, shown in zip(texts, back.tolist(), places.tolist()):
        if shown >= 0:
            assert (value, shown) == _read(text)


def test_a_display_s_numbers_are_worked_out_not_read() -> None:
    """At a display's decimals the digits' integer is exact (below 10^9): most are worked out."""
    _, _, places = fmt_array_read(_VALUES, 3, False, 3)
    assert np.count_nonzero(places >= 0) > _VALUES.size // 2


def _same(a: tuple[list[str], np.ndarray, np.ndarray], b: tuple[list[str], np.ndarray, np.ndarray]) -> bool:
    return a[0] == b[0] and np.array_equal(a[1], b[1], equal_nan=True) and np.array_equal(a[2], b[2])


@pytest.mark.parametrize("trim", [False, "exact"])
def test_numbers_written_lately_are_taken_again_as_written(trim: bool | str) -> None:
    """``fmt_array_read_remembered`` gives ``fmt_array_read``'s texts, read-backs and places,
    the first time and when the same numbers come again, whatever its caller did with the
    answer before."""
    from core import numbers

    values = np.tile(_VALUES, 2)  # (large enough to be remembered)
    assert values.size >= numbers.REMEMBERED
    expected = fmt_array_read(values, 3, trim, 3)
    first = numbers.fmt_array_read_remembered(values, 3, trim, 3)
    assert _same(first, expected)
    first[0][0], first[1][:] = "changed", 0.0  # a caller fills in what it reads: not for the next one
    first[2][:] = -7
    again = numbers.fmt_array_read_remembered(values.copy(), 3, trim, 3)
    assert _same(again, expected)
    other = numbers.fmt_array_read_remembered(values, 4, trim, 3)  # another format: written anew
    assert _same(other, fmt_array_read(values, 4, trim, 3))


def test_only_the_last_few_arrays_are_remembered() -> None:
    from core import numbers

    for k in range(numbers._HELD + 5):
        values = _RNG.standard_normal(numbers.REMEMBERED) + k
        assert _same(numbers.fmt_array_read_remembered(values, 3), fmt_array_read(values, 3))
    assert len(numbers._WRITTEN) <= numbers._HELD


def test_numbers_written_again_in_another_format_get_that_format_s_texts() -> None:
    """A result written (trim=False) and then the same numbers as operands (trim="exact", or
    with more decimals): the texts taken again where the places agree are the very texts a
    fresh writing gives, and the ones whose places differ (a trailing zero kept or dropped)
    are written anew."""
    from core import numbers

    values = np.concatenate([np.tile(_VALUES, 2), [0.014, 0.0140000001, -0.25, 0.1, 3.0, 0.0995]])
    formats = [(3, False, 3), (3, "exact", 3), (4, "exact", 4), (3, True, 0), (3, False, 3)]
    for decimals, trim, sig in formats:
        got = numbers.fmt_array_read_remembered(values.copy(), decimals, trim, sig)  # (a new array, the same numbers)
        assert values.tobytes() in numbers._AGAIN
        assert _same(got, fmt_array_read(values, decimals, trim, sig))
        assert got[0] == [fmt(x, decimals, trim, sig) for x in values.tolist()]


def test_the_powers_of_ten_looked_up_are_numpy_s() -> None:
    """The table of powers of ten gives the floats ``10.0 ** k`` gives, and outside it (a
    negative or huge exponent) the power itself is worked out."""
    import warnings

    from core.numbers import _powers_of_ten

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for exponents in (np.arange(0, 400), _RNG.integers(0, 400, 1000), np.array([-3, 0, 5]), np.array([2, 450]),
                          np.array([], dtype=np.int64)):
            assert np.array_equal(_powers_of_ten(exponents), 10.0 ** exponents)
