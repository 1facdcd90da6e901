"""Pictures of the dialogs and the network editor in Simplified Chinese at 80×24 (issue 14):
the layout holds with double-width characters (pytest-textual-snapshot)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from core.i18n import using_language
from core.scenario.catalog import load
from tui.app import CnnTuiApp

NARROW = (80, 24)


@pytest.fixture(autouse=True)
def _chinese(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """In Chinese, in a working folder of the same name on every machine (the save and export
    dialogs offer a path in it: the pictures must not show where the checkout is)."""
    folder = Path("/tmp/cnn-tui-zh-snapshots")  # not gettempdir(): TMPDIR differs between machines
    folder.mkdir(exist_ok=True)
    monkeypatch.chdir(folder)
    with using_language("zh"):
        yield


@pytest.fixture
def tiny() -> CnnTuiApp:
    return CnnTuiApp(load("tiny-cnn"))


def test_export_dialog_zh(snap_compare, tiny):
    assert snap_compare(tiny, terminal_size=NARROW, press=["n", "e", "down"])


def test_save_as_dialog_zh(snap_compare, tiny):
    async def save_as(pilot) -> None:
        await pilot.press("S")
        await pilot.pause()
        pilot.app.screen.query_one("#save-path").cursor_blink = False

    assert snap_compare(tiny, terminal_size=NARROW, run_before=save_as)


def test_quiz_dialog_zh(snap_compare, tiny):
    assert snap_compare(tiny, terminal_size=NARROW, press=["Q", "down", "down"])


def test_train_dialog_zh(snap_compare):
    async def refused(pilot) -> None:
        await pilot.press("escape", "t")
        await pilot.pause()
        field = pilot.app.screen.query_one("#train-count")
        field.cursor_blink = False
        field.value = "0"
        await pilot.press("enter")
        await pilot.pause()

    assert snap_compare(CnnTuiApp(load("digits")), terminal_size=NARROW, run_before=refused)


def test_network_editor_zh(snap_compare, tiny):
    async def added(pilot) -> None:
        await pilot.press("escape", "N")
        await pilot.pause()
        await pilot.press("down", "down", "a")  # a dense layer before the output layer
        await pilot.pause()

    assert snap_compare(tiny, terminal_size=NARROW, run_before=added)
