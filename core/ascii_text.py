"""ASCII for terminals that draw ambiguous-width characters two cells wide (``--ascii``, contract §8).

In a CJK locale many terminals count δ, ·, →, ✓ and the box-drawing characters as two
cells while the app counts one, so every line after such a character is shifted. With
``--ascii`` the app writes ASCII only; Chinese characters stay (they are wide everywhere,
so they never shift a line).

Two spellings, one table of characters:

- ``spell(text)`` — readable ASCII for the text the app writes (derivations, labels,
  status and messages), applied *before* the text is laid out, since it changes widths:
  ``δ_out[0] = α·∂E/∂w`` → ``delta_out[0] = alpha*dE/dw``, ``√v̂`` → ``sqrt(v_hat)``,
  ``β₁ᵗ`` → ``beta_1^t``, ``✓`` → ``ok``, ``✗`` → ``X``, ``→`` → ``->``. ``formula=True``
  reads a spaced ``a · b`` as a product (``a * b``); in prose it is a separator (``a | b``).
- ``one_cell(text)`` — the same characters one for one, each keeping its width (``δ`` →
  ``d``, ``╭`` → ``+``, ``█`` → ``#``, ``✓`` → ``+``): for what is already laid out
  (the TUI's last line of defence, and the cells of a grid whose widths are fixed).

The numbers the engine writes are not changed anywhere else: this is display only. The
mode is one per process, as the language is: ``set_ascii`` is called once by the command;
tests switch it with ``using_ascii``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any, TextIO

from core.text import cell_width

_on = False


def ascii_mode() -> bool:
    """Whether the interface writes ASCII only (``--ascii``)."""
    return _on


def set_ascii(on: bool) -> None:
    """Write ASCII only from now on (or not): the command calls this once, before anything is shown."""
    global _on
    _on = bool(on)


@contextmanager
def using_ascii(on: bool = True) -> Iterator[None]:
    """ASCII mode inside the block (tests), then what it was before."""
    before = _on
    set_ascii(on)
    try:
        yield
    finally:
        set_ascii(before)


def shown(text: str, formula: bool = False) -> str:
    """``text`` as the interface shows it now: ``spell``-ed in ASCII mode, else unchanged."""
    return spell(text, formula) if _on else text


GREEK = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "eps", "ϵ": "eps", "ζ": "zeta", "η": "eta",
    "θ": "theta", "ι": "iota", "κ": "kappa", "λ": "lambda", "μ": "mu", "µ": "mu", "ν": "nu", "ξ": "xi",
    "π": "pi", "ρ": "rho", "σ": "sigma", "ς": "sigma", "τ": "tau", "υ": "upsilon", "φ": "phi", "ϕ": "phi",
    "χ": "chi", "ψ": "psi", "ω": "omega", "Γ": "Gamma", "Δ": "Delta", "Θ": "Theta", "Λ": "Lambda",
    "Ξ": "Xi", "Π": "prod", "Σ": "sum", "Φ": "Phi", "Ψ": "Psi", "Ω": "Omega",
}
# readable spellings of the other characters the app writes
WORDS = {
    "−": "-", "–": "-", "—": "--", "‒": "-", "‐": "-", "‑": "-", "∂": "d", "√": "sqrt", "∑": "sum",
    "→": "->", "←": "<-", "↔": "<->", "⇒": "=>", "↑": "up", "↓": "down", "≈": "~", "≠": "!=",
    "≤": "<=", "≥": ">=", "±": "+/-", "∞": "inf", "÷": "/", "½": "1/2", "¼": "1/4", "¾": "3/4",
    "′": "'", "″": "''", "…": "...", "‘": "'", "’": "'", "“": '"', "”": '"', "«": "<<", "»": ">>",
    "⟪": "<<", "⟫": ">>", "⌈": "ceil(", "⌉": ")", "⌊": "floor(", "⌋": ")", "∫": "integral",
    "✓": "ok", "✔": "ok", "✗": "X", "✘": "X", "§": "section ", "•": "*", "●": "*", "○": "o",
    "✎": "*", "°": " deg", "\u00a0": " ", "\u2009": " ", "\u202f": " ",
}
SUPERSCRIPTS = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁱⁿᵗˣᵀ", "0123456789+-=()intxT"))
SUBSCRIPTS = dict(zip("₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₒₓₕₖₗₘₙₚₛₜ", "0123456789+-=()aeoxhklmnpst"))
# the combining accents that mean something in a formula (m̂: m_hat)
MARKS = {"\u0302": "_hat", "\u0304": "_bar", "\u0303": "_tilde", "\u0307": "_dot"}
_WORDY = set(GREEK) | {c for c, w in WORDS.items() if len(w) > 1 and w[0].isalpha()}

# one character for one, keeping the width (what is already laid out)
ONE = {
    "·": ".", "×": "x", "✓": "+", "✔": "+", "✗": "X", "✘": "X", "≈": "~", "→": ">", "←": "<",
    "↔": "-", "↑": "^", "↓": "v", "▲": "^", "▼": "v", "▶": ">", "◀": "<", "▸": ">", "◂": "<",
    "►": ">", "◄": "<", "▴": "^", "▾": "v", "√": "V", "∂": "d", "…": ".", "≤": "<", "≥": ">",
    "≠": "#", "±": "+", "∞": "~", "÷": "/", "½": "/", "′": "'", "″": '"', "§": "S", "⟪": "<",
    "⟫": ">", "Σ": "E", "Π": "P", "µ": "u", "μ": "u", "■": "#", "□": "o", "◆": "*", "◇": "o",
    "⭘": "o", "⏎": "<", "⌫": "<", "⇥": ">", "⇤": "<",
}
ONE.update({c: w for c, w in WORDS.items() if len(w) == 1})
ONE.update({"—": "-", "‘": "'", "’": "'", "“": '"', "”": '"'})
ONE.update({c: w[0] for c, w in GREEK.items() if c not in ONE})
ONE.update(SUPERSCRIPTS)
ONE.update(SUBSCRIPTS)
# block elements (U+2580-259F): heatmaps, charts, scrollbars and Textual's thick borders
BLOCKS = {
    "▀": "^", "▁": "_", "▂": "_", "▃": "_", "▄": "=", "▅": "=", "▆": "=", "▇": "#", "█": "#",
    "▉": "#", "▊": "|", "▋": "|", "▌": "|", "▍": "|", "▎": "|", "▏": "|", "▐": "|", "░": ".",
    "▒": ":", "▓": "%", "▔": "-", "▕": "|", "▖": ".", "▗": ".", "▘": "'", "▝": "'", "▙": "#",
    "▚": "%", "▛": "#", "▜": "#", "▞": "%", "▟": "#",
}
ONE.update(BLOCKS)


def is_wide_text(char: str) -> bool:
    """A CJK character (or full-width form): two cells in every terminal, so it stays."""
    return (unicodedata.east_asian_width(char) in ("W", "F") and ord(char) < 0x1F000
            and unicodedata.category(char) not in ("So", "Sk", "Cn"))


def _box(char: str) -> str | None:
    """A box-drawing character (U+2500-257F) as ``+``, ``-``, ``|`` (or a diagonal)."""
    if not 0x2500 <= ord(char) <= 0x257F:
        return None
    name = unicodedata.name(char, "")
    if "DIAGONAL" in name:
        return "X" if "CROSS" in name else ("/" if "UPPER RIGHT TO LOWER LEFT" in name else "\\")
    if " AND " in name or "ARC" in name or "CROSS" in name:
        return "+"
    if "HORIZONTAL" in name or name.endswith((" LEFT", " RIGHT")):
        return "-"
    return "|"


@lru_cache(maxsize=4096)
def one_char(char: str) -> str:
    """``char`` as ASCII of the same width: one character per cell, nothing for a mark."""
    if char < "\x80" or is_wide_text(char):
        return char
    width = cell_width(char)
    if width == 0:
        return ""
    found = ONE.get(char) or _box(char)
    if found is None:
        base = unicodedata.normalize("NFKD", char)[:1]
        found = base if base.isascii() and base.isprintable() and base else ("[]" if width == 2 else "?")
    return (found * width)[:width] if len(found) != width else found


def one_cell(text: str) -> str:
    """``text`` in ASCII, each character replaced by as many as the cells it takes."""
    if text.isascii():
        return text
    return "".join(one_char(c) for c in text)


def _operand_end(text: str, start: int) -> int:
    """Where the operand of a ``√`` written without parentheses ends (``√v̂_fc[0]``, ``√0.25``, ``√π``)."""
    i = start
    while i < len(text) and (text[i].isalnum() or text[i] in "_.′'" or unicodedata.combining(text[i])):
        i += 1
    if i < len(text) and text[i] == "[" and "]" in text[i:]:
        i = text.index("]", i) + 1
    return i


def _neighbour(text: str, i: int, step: int) -> str:
    j = i + step
    return text[j] if 0 <= j < len(text) else ""


def spell(text: str, formula: bool = False) -> str:
    """``text`` in readable ASCII (Greek letters by name, ``∂`` as d, ``·`` as ``*``, arrows as
    ``->``, marks as ``ok``/``X``); Chinese characters stay. ``formula``: a spaced ``·`` is
    a product, else a separator."""
    return text if text.isascii() else spell_mapped(text, formula)[0]


def spell_mapped(text: str, formula: bool = False) -> tuple[str, list[int]]:
    """``spell(text)`` and, for every index of ``text`` (and its end), where it went in the
    result: styled text (a span from 3 to 7) keeps its styles on the spelled characters."""
    out: list[str] = []
    where: list[int] = []
    size = 0
    i, n = 0, len(text)
    while i < n:
        if out:
            size += len(out[-1])
        where.extend([size] * (i + 1 - len(where)))  # a group (√x, ²³) maps to its start
        c = text[i]
        if c < "\x80" or is_wide_text(c):
            out.append(c)
        elif c == "·":
            before, after = _neighbour(text, i, -1), _neighbour(text, i, 1)
            if before == after == "`":  # `·`, the mark of a value not computed yet, as the panels draw it
                out.append(".")
            elif before.strip() and after.strip():
                out.append("*")
            elif before == " " and after == " ":
                out.append("*" if formula else "|")
            else:
                out.append(".")
        elif c == "×":
            before, after = text[:i].rstrip()[-1:], text[i + 1:].lstrip()[:1]
            out.append("x" if before.isdigit() and after.isdigit() else "*")
        elif c == "√" and _neighbour(text, i, 1) not in ("(", ""):
            end = _operand_end(text, i + 1)
            out.append(f"sqrt({spell(text[i + 1:end], formula)})" if end > i + 1 else "sqrt")
            i = end
            continue
        elif c in SUPERSCRIPTS or c in SUBSCRIPTS:
            table = SUPERSCRIPTS if c in SUPERSCRIPTS else SUBSCRIPTS
            j = i
            while j < n and text[j] in table:
                j += 1
            out.append(("^" if table is SUPERSCRIPTS else "_") + "".join(table[ch] for ch in text[i:j]))
            i = j
            continue
        elif c == "↑" and _neighbour(text, i, 1) == "↓":
            out.append("up/down")
            i += 2
            continue
        elif c in MARKS:
            out.append(MARKS[c])
        else:
            word = GREEK.get(c) or WORDS.get(c)
            if word is None:
                decomposed = unicodedata.normalize("NFKD", c)
                if len(decomposed) > 1 and decomposed[0].isascii():
                    word = decomposed[0] + "".join(MARKS.get(m, "") for m in decomposed[1:])
                else:
                    word = one_char(c)
            if c in _WORDY:
                if out and out[-1][-1:].isascii() and out[-1][-1:].isalpha():
                    word = " " + word
                after = _neighbour(text, i, 1)
                if after.isascii() and after.isalpha():
                    word += " "
            out.append(word)
        i += 1
    spelled = "".join(out)
    where += [len(spelled)] * (n + 1 - len(where))
    return spelled, where


class SpelledStream:
    """A text stream that writes everything ``spell``-ed (a headless command's output with
    ``--ascii``); everything else (``flush``, ``isatty``, ``fileno`` …) is the stream's own."""

    def __init__(self, stream: TextIO, formula: bool = False) -> None:
        self._stream = stream
        self._formula = formula

    def write(self, text: str) -> int:
        self._stream.write(spell(text, self._formula))
        return len(text)

    def writelines(self, lines: Iterable[str]) -> None:
        """Each line spelled as it comes (a streamed report is never held whole)."""
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)
