"""Pictures of the main screen at key moments of tiny-cnn (pytest-textual-snapshot)."""

from __future__ import annotations

import pytest

from core.scenario.catalog import load
from tui.app import CnnTuiApp

SIZE = (120, 36)


@pytest.fixture
def tiny() -> CnnTuiApp:
    return CnnTuiApp(load("tiny-cnn"))


def test_loaded(snap_compare, tiny):
    assert snap_compare(tiny, terminal_size=SIZE)


def test_after_forward(snap_compare, tiny):
    assert snap_compare(tiny, terminal_size=SIZE, press=["F"])


def test_after_backward_with_a_slip_selected(snap_compare, tiny):
    async def backward_and_select(pilot) -> None:
        await pilot.press("F", "B")
        pilot.app.main.select("fc.delta[0]")  # the notes' slip: expected −0.026 ✗, exact −0.0140
        await pilot.pause()

    assert snap_compare(tiny, terminal_size=SIZE, run_before=backward_and_select)


def test_editing_a_weight(snap_compare, tiny):
    async def edit(pilot) -> None:
        await pilot.press("F")
        pilot.app.main.select("fc.weight[0,1]")
        await pilot.press("enter")
        editor = pilot.app.focused
        editor.cursor_blink = False
        editor.value = "0.25x"
        await pilot.press("enter")
        await pilot.pause()

    assert snap_compare(tiny, terminal_size=SIZE, run_before=edit)


def test_after_update(snap_compare, tiny):
    assert snap_compare(tiny, terminal_size=SIZE, press=["F", "B", "u"])


def test_error_shown(snap_compare, tiny):
    assert snap_compare(tiny, terminal_size=SIZE, press=["b"])


def test_small_terminal(snap_compare, tiny):
    assert snap_compare(tiny, terminal_size=(80, 24), press=["F", "b"])
