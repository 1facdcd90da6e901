"""Strings from a file never act on the terminal and never flood a message."""

from __future__ import annotations

from core.text import quote, visible


def test_control_characters_are_shown_as_escapes() -> None:
    assert visible("a\x1b[2Jb") == "a\\x1b[2Jb"
    assert visible("bell\x07 and nul\x00") == "bell\\x07 and nul\\x00"
    assert visible("line\nbreak") == "line\\x0abreak"
    assert visible("line\nbreak", keep_newlines=True) == "line\nbreak"
    assert visible("rtl\u202eoverride") == "rtl\\u202eoverride"


def test_ordinary_text_is_unchanged() -> None:
    for text in ("tiny-cnn — the notes' 1-D CNN", "正向传播 δ ∂E/∂w", "x²·σ(z)"):
        assert visible(text) == text


def test_quote_cuts_long_values_and_makes_them_visible() -> None:
    assert quote("short") == "short"
    long = "x" * 1_000_000
    shown = quote(long)
    assert len(shown) < 120
    assert shown.startswith("x" * 80) and "999920 more characters" in shown
    assert quote("\x1b[31m") == "\\x1b[31m"
    assert quote(12) == "12"


def test_describe_names_a_value_in_plain_words_and_never_prints_a_huge_number() -> None:
    from core.text import describe, said, short

    assert describe(None) == "nothing"
    assert describe(True) == "true/false (true)"
    assert describe(0.5) == "the number 0.5"
    assert describe(10 ** 5000) == "a number too large"
    assert describe([1, 2, 3]) == "a list of 3"
    assert describe({"a": 1}) == "a mapping"
    assert describe("x" * 500).startswith("the text 'xxx") and len(describe("x" * 500)) < 120
    assert said("abc") == "'abc'" and said(3) == "the number 3"
    assert short(1.0 / 3) == "0.3333333333333333" and short(10 ** 5000) == "a number of thousands of digits"
