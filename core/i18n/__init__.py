"""The interface's language: every word the app says goes through ``tr`` (contract §8).

One catalogue, keyed by the English text (as gettext is): the code stays readable in
English and the Chinese lives in ``core/i18n/zh/``, one module of translations per area
of the app. Quantity names and formulas are never translated, so they are never wrapped.

- ``tr("saved {path}", path=p)`` — the message in the current language, placeholders filled
  (``str.format`` fields, named only; literal braces are doubled: ``{{0, 1}}``).
- ``tr_n("one iteration", "{n} iterations", n)`` — a count: English picks the form, Chinese
  has one (the catalogue holds the translation under the plural text).
- ``mark("forward one layer")`` — a message that is kept (in a table, a class attribute)
  and translated where it is shown, with ``tr(text)``. ``mark`` returns the text as it is;
  it exists so that the catalogue test finds the message.

The language is one per process: ``set_language`` is called once by the command (``--lang``,
else ``language_from_environment``); tests switch it with ``using_language``. Messages are
looked up when they are said, never at import, so switching takes effect at once.
A message missing from the catalogue is said in English, never an error
(tests/core/test_catalogue.py checks that none is missing and the placeholders match).
"""

from __future__ import annotations

import os
import string
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Final, Literal, TypeVar

Language = Literal["en", "zh"]
T = TypeVar("T")
LANGUAGES: Final[tuple[Language, ...]] = ("en", "zh")
LANGUAGE_NAMES: Final[dict[Language, str]] = {"en": "English", "zh": "简体中文"}

_current: Language = "en"
_document: ContextVar[Language | None] = ContextVar("cnn_tui_document_language", default=None)
_catalogue: dict[str, str] | None = None  # zh's translations, loaded on first use


def language() -> Language:
    """The language the interface speaks now (a document being written may speak its own)."""
    return _document.get() or _current


def set_language(lang: Language) -> None:
    """Speak ``lang`` from now on (the command calls this once, before anything is said)."""
    global _current
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}")
    _current = lang


@contextmanager
def using_language(lang: Language) -> Iterator[None]:
    """Speak ``lang`` inside the block (tests of both languages), then what was spoken before."""
    before = _current
    set_language(lang)
    try:
        yield
    finally:
        set_language(before)


@contextmanager
def writing_in(lang: Language) -> Iterator[None]:
    """Write a document in ``lang`` inside the block, in this thread or task only (the
    interface around it keeps its language): LaTeX documents are English, since a stock
    pdflatex has no Chinese fonts."""
    token = _document.set(lang)
    try:
        yield
    finally:
        _document.reset(token)


def speaking(lang: Language, pieces: Iterator[T]) -> Iterator[T]:
    """``pieces`` made in ``lang``, one at a time: a streamed document (LaTeX, in English)
    is written in its language while whoever reads it between pieces keeps their own."""
    while True:
        with writing_in(lang):
            try:
                piece = next(pieces)
            except StopIteration:
                return
        yield piece


def language_from_environment(environ: Mapping[str, str] | None = None) -> Language:
    """The locale's language, as POSIX picks it: the first set of LC_ALL, LC_MESSAGES, LANG.

    ``zh_CN.UTF-8``, ``zh_TW``, ``zh`` speak Chinese (Simplified is the only Chinese there is
    here); anything else, or nothing set, English.
    """
    env = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def parse_language(text: str) -> Language | None:
    """``en``/``zh`` (any case; ``zh-CN``, ``zh_CN`` and ``cn`` too) as a Language, else None."""
    low = text.strip().lower().replace("_", "-")
    if low in ("en", "english") or low.startswith("en-"):
        return "en"
    if low in ("zh", "cn", "chinese") or low.startswith("zh-"):
        return "zh"
    return None


def mark(message: str) -> str:
    """``message`` unchanged: marks a message kept for later, translated where it is shown."""
    return message


def tr(message: str, /, **values: object) -> str:
    """``message`` in the current language, its ``{placeholders}`` filled from ``values``."""
    template = message
    if language() != "en":
        template = _translations().get(message, message)
    return _fill(template, message, values)


def tr_n(singular: str, plural: str, count: int, /, **values: object) -> str:
    """A message about ``count`` things: ``singular`` for one in English, else ``plural``.

    ``count`` is offered to both forms as ``{n}`` unless ``values`` names ``n`` itself.
    """
    values = {"n": count, **values}
    if language() != "en":
        return _fill(_translations().get(plural, plural), plural, values)
    return _fill(singular if count == 1 else plural, plural, values)


def placeholders(template: str) -> set[tuple[str, str]]:
    """The fields of a template as (name, format spec) pairs — the catalogue test compares them."""
    return {(name, spec or "") for _text, name, spec, _conv in string.Formatter().parse(template)
            if name is not None}


def _fill(template: str, english: str, values: dict[str, object]) -> str:
    if not values and "{" not in template and "}" not in template:
        return template
    try:
        return template.format_map(values)
    except (KeyError, IndexError, ValueError):
        if template is not english:
            return _fill(english, english, values)  # a broken translation: say it in English
        return template  # not a template (e.g. a user's own text shown through tr)


def _translations() -> dict[str, str]:
    global _catalogue
    if _catalogue is None:
        from core.i18n.zh import MESSAGES

        _catalogue = MESSAGES
    return _catalogue
