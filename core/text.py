"""Text from a user's file, made safe to show: control characters visible, long values cut.

A scenario is shared in a class like a text file, so nothing in it may act on a terminal
(``\\x1b[2J`` clears the screen) or flood a message. Every place that shows a string from a
file (the CLI, the TUI, error messages) passes it through ``visible`` or ``quote``.
"""

from __future__ import annotations

import unicodedata

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
        text = f"{text[:limit]}… ({len(text) - limit} more characters)"
    return text
