"""The message catalogue is whole: every message the code says has its Chinese, with the same
placeholders, and the catalogue holds nothing the code no longer says.

Messages are found in the source as the first arguments of ``tr``, ``tr_n`` (both forms)
and ``mark`` calls; each must be a literal string (a computed message could not be found).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from core.i18n import language_from_environment, mark, parse_language, placeholders, tr, tr_n, using_language
from core.i18n.zh import AREAS, MESSAGES

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted(p for d in ("core", "tui") for p in (ROOT / d).rglob("*.py") if "/zh/" not in str(p))


def _said() -> tuple[dict[str, list[str]], list[str]]:
    """Every message the code says → where; and the calls whose message is not a literal."""
    said: dict[str, list[str]] = {}
    computed: list[str] = []
    for path in SOURCES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            name = node.func.id
            if name not in ("tr", "tr_n", "mark"):
                continue
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            texts = node.args[:2] if name == "tr_n" else node.args[:1]
            for arg in texts:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    if name == "tr_n" and arg is texts[0]:
                        continue  # the singular: Chinese has only the plural's form
                    said.setdefault(arg.value, []).append(where)
                elif name != "tr":  # tr(text) translates a message marked elsewhere
                    computed.append(where)
    return said, computed


SAID, COMPUTED = _said()


def test_messages_are_literal_strings() -> None:
    assert not COMPUTED, f"tr_n/mark need literal messages: {COMPUTED}"


def test_every_message_has_its_chinese() -> None:
    missing = {m: w[0] for m, w in SAID.items() if m not in MESSAGES}
    assert not missing, f"{len(missing)} messages without Chinese, e.g. {list(missing.items())[:5]}"


def test_the_catalogue_holds_only_messages_the_code_says() -> None:
    stale = sorted(set(MESSAGES) - set(SAID))
    assert not stale, f"{len(stale)} translations of nothing, e.g. {stale[:5]}"


def test_placeholders_match() -> None:
    wrong = {m: MESSAGES[m] for m in SAID if m in MESSAGES and placeholders(m) != placeholders(MESSAGES[m])}
    assert not wrong, f"placeholders differ: {list(wrong.items())[:5]}"


def test_translations_are_chinese_and_not_empty() -> None:
    empty = [m for m, z in MESSAGES.items() if not z.strip()]
    assert not empty
    untranslated = [m for m, z in MESSAGES.items()
                    if z == m and any(c.isalpha() and c.isascii() for c in m) and len(m) > 3]
    assert not untranslated, f"left in English: {untranslated[:5]}"


def test_areas_agree_where_they_share_a_message() -> None:
    seen: dict[str, tuple[str, str]] = {}
    clashes = []
    for area, messages in AREAS.items():
        for m, z in messages.items():
            if m in seen and seen[m][1] != z:
                clashes.append((m, seen[m][0], area))
            seen.setdefault(m, (area, z))
    assert not clashes


# the catalogue's own behaviour

def test_tr_fills_placeholders_in_both_languages() -> None:
    message = "{n} iterations"
    with using_language("en"):
        assert tr(message, n=3) == "3 iterations"
        assert tr_n("one iteration", message, 1) == "one iteration"
        assert tr_n("one iteration", message, 2) == "2 iterations"


def test_a_message_not_in_the_catalogue_is_said_in_english_and_user_text_is_safe() -> None:
    with using_language("zh"):
        assert tr("no such message {x}", x=1) == "no such message 1"
        assert tr("a user's {braces}") == "a user's {braces}"  # shown as it is, never an error
    assert mark("forward one layer") == "forward one layer"


@pytest.mark.parametrize(("env", "lang"), [
    ({}, "en"), ({"LANG": "zh_CN.UTF-8"}, "zh"), ({"LANG": "en_US.UTF-8"}, "en"),
    ({"LANG": "zh_CN.UTF-8", "LC_ALL": "C"}, "en"), ({"LC_ALL": "zh_TW.UTF-8", "LANG": "C"}, "zh"),
    ({"LC_MESSAGES": "zh_CN", "LANG": "en_GB"}, "zh"), ({"LANG": ""}, "en"), ({"LANG": "C.UTF-8"}, "en"),
])
def test_the_language_comes_from_the_locale(env: dict[str, str], lang: str) -> None:
    assert language_from_environment(env) == lang


@pytest.mark.parametrize(("text", "lang"), [("en", "en"), ("zh", "zh"), ("ZH", "zh"), ("zh_CN", "zh"),
                                            ("zh-CN", "zh"), ("fr", None), ("", None)])
def test_parse_language(text: str, lang: str | None) -> None:
    assert parse_language(text) == lang
