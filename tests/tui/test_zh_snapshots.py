"""Pictures of the shell in Simplified Chinese at 80×24 (pytest-textual-snapshot): double-width
characters in the status line, the message line, the key bar and help must not break the layout."""

from __future__ import annotations

from core.i18n import using_language
from core.scenario.catalog import load
from tui.app import CnnTuiApp

SMALL = (80, 24)


def test_zh_loaded(snap_compare):
    with using_language("zh"):
        assert snap_compare(CnnTuiApp(load("tiny-cnn")), terminal_size=SMALL)


def test_zh_after_a_forward_step(snap_compare):
    with using_language("zh"):
        assert snap_compare(CnnTuiApp(load("tiny-cnn")), terminal_size=SMALL, press=["f"])


def test_zh_help(snap_compare):
    with using_language("zh"):
        assert snap_compare(CnnTuiApp(load("tiny-cnn")), terminal_size=SMALL, press=["question_mark"])


def test_zh_help_scrolled_to_the_keys(snap_compare):
    """The introduction and the first rows of the key table."""
    with using_language("zh"):
        assert snap_compare(CnnTuiApp(load("tiny-cnn")), terminal_size=SMALL, press=["question_mark", "pagedown"])
