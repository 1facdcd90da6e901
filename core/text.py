"""Text from a user's file, made safe to show: control characters visible, long values cut.

A scenario is shared in a class like a text file, so nothing in it may act on a terminal
(``\\x1b[2J`` clears the screen) or flood a message. Every place that shows a string from a
file (the CLI, the TUI, error messages) passes it through ``visible`` or ``quote``; every
export that embeds one writes it as inert text of its language (``python_literal``,
``markdown_text``; LaTeX in core.exports.latex).
"""

from __future__ import annotations

import re
import time
import unicodedata

from core.i18n import tr

QUOTE_LIMIT = 80  # characters of a user's value an error message repeats


def _shown(char: str, keep_newlines: bool) -> str:
    if keep_newlines and char in "\n\t":
        return char
    if unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Zl", "Zp") and char not in "\u200d":
        code = ord(char)
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"
    return char


def visible(text: str, keep_newlines: bool = False) -> str:
    """``text`` with every control or format character written as an escape (``\\x1b``)."""
    if text.isprintable() and (keep_newlines or "\n" not in text):
        return text
    return "".join(_shown(c, keep_newlines) for c in text)


def quote(value: object, limit: int = QUOTE_LIMIT) -> str:
    """A user's value for an error message: visible, and at most ``limit`` characters
    (``…`` and the count of the rest past that)."""
    text = visible(value if isinstance(value, str) else repr(value))
    if len(text) > limit:
        text = text[:limit] + tr("… ({n} more characters)", n=len(text) - limit)
    return text


def python_literal(text: str) -> str:
    """``text`` as a Python string literal for generated code: it evaluates to exactly
    ``text`` and cannot end early (repr escapes quotes, backslashes and every character
    that is not printable, newlines included), so a file's string never becomes code."""
    return repr(str(text))


_MARKDOWN_ACTIVE = frozenset("\\`*_{}[]()<>#!|~&$:@")  # what can open markup inside a line
_MARKDOWN_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_WWW_DOT = re.compile(r"(?i)(?<=www)\.")
_LIST_NUMBER = re.compile(r"^([0-9]+)([.)])")


def markdown_text(text: str) -> str:
    """``text`` for Markdown prose, shown literally: control characters visible (so it
    stays on its line) and every character that could open markup backslash-escaped:
    HTML (``<``, ``&``), links and images (``[``, ``!``), autolinks (``:``, ``@``, ``www.``),
    emphasis, code spans and fences (backticks), math (``$``), tables (``|``). A leading
    punctuation mark or list number is escaped too (a list, quote or heading at the start
    of a line);
    ordinary ``-``, ``.`` and ``'`` stay as they are, so ``tiny-cnn`` reads as written."""
    shown = visible(text)
    out = "".join("\\" + c if c in _MARKDOWN_ACTIVE else c for c in shown)
    if shown and shown[0] in _MARKDOWN_PUNCTUATION and shown[0] not in _MARKDOWN_ACTIVE:
        out = "\\" + out
    return _LIST_NUMBER.sub(r"\1\\\2", _WWW_DOT.sub(r"\\.", out))


_BIG = 1e300  # a number past this (or an integer of thousands of digits) is not printed


def describe(value: object) -> str:
    """A value found where another belongs, in plain words: its YAML type and, short, the
    value (``the number 0.5``, ``a list of 3``, ``the text 'abc'``); never a repr, never a
    5000-digit number."""
    if value is None:
        return tr("nothing")
    if isinstance(value, bool):
        return tr("true/false ({value})", value=str(value).lower())
    if isinstance(value, (int, float)):
        if abs(value) > _BIG:
            return tr("a number too large")
        return tr("the number {value}", value=short(value))
    if isinstance(value, str):
        return tr("the text {value}", value=said(value))
    if isinstance(value, list):
        return tr("a list of {n}", n=len(value))
    return tr("a mapping") if isinstance(value, dict) else tr("a value of another kind")


def short(value: object) -> str:
    """A number (or any value) as it was written, cut to about 20 characters."""
    try:
        text = str(value)
    except ValueError:  # an integer past Python's 4300-digit limit for str()
        return tr("a number of thousands of digits")
    return text if len(text) <= 24 else text[:20] + "…"


def said(value: object) -> str:
    """A user's value for a message: text quoted (at most ~60 characters), anything else in words."""
    return f"'{quote(value, 60)}'" if isinstance(value, str) else describe(value)


def cell_width(char: str) -> int:
    """Cells a terminal gives ``char``: 0 for a combining or format mark, 2 for a wide one."""
    import unicodedata

    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def cells(text: str) -> int:
    """How many terminal cells ``text`` takes: East Asian wide and full-width characters two."""
    return sum(map(cell_width, text))


def pad(text: str, width: int, *, right: bool = False) -> str:
    """``text`` padded with spaces to ``width`` cells (to the left when ``right``): columns of
    Chinese words line up as English ones do."""
    fill = " " * max(0, width - cells(text))
    return fill + text if right else text + fill


def minute_text(seconds: float) -> str:
    """A moment as messages name it: ``2026-12-01 09:41``, in local time (a recovery
    journal's "from <time>")."""
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(seconds))
