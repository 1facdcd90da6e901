"""Numbers are written in a bounded width and read strictly (issue 8: Numbers)."""

from __future__ import annotations

import numpy as np
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from core.numbers import as_written, fmt, parse_number, round_as_shown, written_decimals
from core.scenario.yaml_source import ScenarioLoader

# --- writing: fmt -----------------------------------------------------------------------


@pytest.mark.parametrize(("value", "decimals", "shown"), [
    (1e308, 3, "1.000e308"),
    (-1e308, 3, "−1.000e308"),
    (1.23456e20, 3, "1.235e20"),
    (1.23456e20, 0, "1e20"),
    (-3.2e-12, 3, "−3.2e−12"),
    (1e-300, 3, "1e−300"),
    (9.99e-7, 3, "9.99e−7"),
    (1e308, None, "1e308"),
    (-3.2e-12, None, "−3.2e−12"),
    (1e-5, None, "1e−5"),
    (1.5e20, None, "1.5e20"),
])
def test_large_and_tiny_magnitudes_are_scientific_with_a_true_minus(value, decimals, shown) -> None:
    assert fmt(value, decimals) == shown


@pytest.mark.parametrize(("value", "decimals", "shown"), [
    (0.706, 3, "0.706"), (-0.294, 3, "−0.294"), (0.0000326, 3, "0.0000326"), (1e-6, 3, "0.000001"),
    (2.5e-6, 3, "0.0000025"), (123456789.5, 3, "123456789.500"), (-999999999.0, 0, "−999999999"), (1e9, 3, "1.000e9"),
    (0.1, None, "0.1"),
    (-0.0001, 3, "−0.0001"), (-0.0, 3, "0.000"),
])
def test_ordinary_values_are_written_as_before(value, decimals, shown) -> None:
    assert fmt(value, decimals) == shown


def test_trim_and_significant_digits_apply_to_the_scientific_form() -> None:
    assert fmt(2e20, 3, trim=True) == "2e20"
    assert fmt(1.5e-8, 3, sig=3) == "1.5e−8"
    assert fmt(1.25e-7, 3, sig=3, trim=True) == "1.25e−7"


def test_every_float64_is_written_in_a_bounded_width() -> None:
    rng = np.random.default_rng(8)
    values = np.concatenate([10.0 ** rng.uniform(-320, 308, 2000) * rng.choice([-1, 1], 2000),
                             [np.finfo(np.float64).max, -np.finfo(np.float64).max, 5e-324]])
    for decimals in (0, 3, 6):
        widest = max(len(fmt(v, decimals)) for v in values)
        assert widest <= 11 + decimals, widest  # sign, 9 digits, point, decimals
    assert max(len(fmt(v, None)) for v in values) <= 24


def test_scientific_text_reads_back_and_hand_rounding_keeps_what_is_shown() -> None:
    for v in (1.23456e20, -9.87654e15, 3.21e-9, 1e308):
        shown = fmt(v, 3)
        assert round_as_shown(np.array([v]), 3)[0] == parse_number(shown)
    assert parse_number(fmt(1e308, None)) == 1e308
    assert parse_number(fmt(-3.2e-12, None)) == -3.2e-12


# --- reading: parse_number --------------------------------------------------------------


@pytest.mark.parametrize(("text", "value"), [
    ("0.25", 0.25), ("-1e-3", -0.001), ("−0.5", -0.5), ("−1e−3", -0.001), ("+.5", 0.5), ("5.", 5.0),
    (" 2 ", 2.0), ("1E5", 100000.0), ("0", 0.0),
])
def test_ascii_decimal_notation_is_read(text, value) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize("text", [
    "١", "٠.٧٠٦", "1_000", "0x10", "inf", "-inf", "nan", "Infinity", "１２", "1.2.3", "1e", "e5", "--1",
    "1 000", "½", "²", "0b1", "1e5.5", "١e2",
])
def test_anything_else_is_refused_saying_what_is_accepted(text) -> None:
    with pytest.raises(ValueError) as err:
        parse_number(text)
    assert "is not a number: type ASCII digits with one '.', e.g. 0.25, −1.5 or 2e-3" in str(err.value)


def test_a_decimal_comma_is_refused_with_the_point_suggested() -> None:
    with pytest.raises(ValueError, match=r"'1,5': write the decimal point as '\.' \(1\.5\), not ','"):
        parse_number("1,5")
    with pytest.raises(ValueError, match=r"\(−0\.25\)"):
        parse_number("-0,25")


def test_empty_and_overflowing_entries_are_refused() -> None:
    with pytest.raises(ValueError, match="type a number"):
        parse_number("  ")
    with pytest.raises(ValueError, match="too large"):
        parse_number("1e400")


def test_a_refused_entry_is_quoted_short_and_visible() -> None:
    with pytest.raises(ValueError) as err:
        parse_number("\x1b[2J" + "9" * 5000 + "x")
    assert "\\x1b[2J" in str(err.value) and "\x1b" not in str(err.value)
    assert len(str(err.value)) < 200


@settings(max_examples=400, deadline=None)
@given(st.from_regex(r"[+\-−]?(?:[0-9]{1,25}\.?[0-9]{0,25}|\.[0-9]{1,25})(?:[eE][+\-−]?[0-9]{1,3})?", fullmatch=True))
def test_what_is_accepted_is_what_a_scenario_file_reads_back(text: str) -> None:
    """An answer typed with x is saved as written under ``expected``: the file must read the
    same number back (YAML would take 010 for octal 8, so leading zeros are dropped)."""
    try:
        value = parse_number(text)
    except ValueError:  # only overflow (1e999) and underflow to 0 (1e-400) are refused in this notation
        said = str(parse_number_error(text))
        assert "too large" in said or ("too small" in said and float(text.replace("−", "-")) == 0.0), said
        return
    read = yaml.load(f"v: {as_written(text)}", Loader=ScenarioLoader)["v"]
    assert isinstance(read, (int, float)) and not isinstance(read, bool)
    assert float(read) == value
    assert written_decimals(as_written(text)) == written_decimals(text.replace("−", "-").strip())


def parse_number_error(text: str) -> ValueError:
    try:
        parse_number(text)
    except ValueError as err:
        return err
    raise AssertionError(f"{text!r} was accepted")


def test_as_written_drops_only_the_leading_zeros_of_whole_numbers() -> None:
    assert [as_written(t) for t in ("010", "-007", "000", " −0.50 ", "00.5", "0e5", "1,5")] == \
        ["10", "-7", "0", "-0.50", "00.5", "0e5", "1,5"]


def test_counts_are_ascii_whole_numbers_optionally_grouped_by_thousands() -> None:
    from core.numbers import parse_count

    assert parse_count("10") == 10
    assert parse_count(" 1,000 ") == 1000
    assert parse_count("1_000_000") == 1_000_000
    assert parse_count("0") == 0  # the range is the caller's to check
    for bad in ("١٢", "１２", "1.5", "-3", "+3", "1e3", "", "1,00", "1,000_000", "12,34,567", "ten", "0x10"):
        with pytest.raises(ValueError, match="ASCII digits"):
            parse_count(bad)
