"""Quitting while a save runs: the app waits for the save, then quits as usual; if the
save is still running after a while it asks whether to abandon it. The recovery journal
is deleted only by a clean quit after the save finished."""

from __future__ import annotations

import threading

import pytest
from test_editing import start_edit, type_value
from test_recovery_ui import journals
from test_robustness import settle
from tui_helpers import SIZE, message, press

import core.scenario.save as scenario_save
import tui.app as tui_app
from core.scenario.load import load_scenario
from tui.app import CnnTuiApp
from tui.screens.confirm_screen import ConfirmScreen


@pytest.fixture
def held(monkeypatch):
    """Saves wait for ``release`` before writing (a slow disk, a network folder)."""
    release = threading.Event()
    real = scenario_save.write_scenario

    def slow(*args, **kwargs):
        release.wait(30)
        return real(*args, **kwargs)

    monkeypatch.setattr(scenario_save, "write_scenario", slow)
    yield release
    release.set()  # never leave a save thread waiting


async def edit_and_save(app: CnnTuiApp, pilot) -> None:
    editor = await start_edit(app, pilot, "fc.bias[0]")
    await type_value(pilot, editor, "0.25")
    await press(pilot, "s")
    assert app.main.files.busy and app.stepper.edited


async def until_asked(app: CnnTuiApp, pilot) -> None:
    """Until the quit question is shown (the wait is cut short in these tests)."""
    for _ in range(1000):
        if isinstance(app.screen, ConfirmScreen):
            return
        await pilot.pause(0.02)
    raise AssertionError(f"never asked; the message line says {message(app)!r}")


async def test_quit_waits_for_the_save_then_quits_cleanly(tiny_copy, _own_state_dir, held):
    app = CnnTuiApp(load_scenario(tiny_copy))
    async with app.run_test(size=SIZE) as pilot:
        await edit_and_save(app, pilot)
        await press(pilot, "q")
        assert app.is_running and "quitting once it has finished" in message(app)
        assert not isinstance(app.screen, ConfirmScreen)  # no "unsaved changes" question: they are being saved
        assert len(journals(_own_state_dir)) == 1
        held.set()
        await settle(pilot)
    assert app.return_code == 0
    assert load_scenario(tiny_copy).params["fc"]["bias"][0] == 0.25  # the save finished
    assert journals(_own_state_dir) == []  # then a clean quit


async def test_a_save_still_running_asks_and_abandoning_keeps_the_journal(tiny_copy, _own_state_dir, held,
                                                                         monkeypatch):
    monkeypatch.setattr(tui_app, "QUIT_WAIT", 0.05)
    before = tiny_copy.read_bytes()
    app = CnnTuiApp(load_scenario(tiny_copy))
    async with app.run_test(size=SIZE) as pilot:
        await edit_and_save(app, pilot)
        await press(pilot, "q")
        await until_asked(app, pilot)
        question = str(app.screen.query_one("#question").content)
        assert question == f"saving to {tiny_copy} is still running: quit and abandon it?"
        await press(pilot, "n")
        assert app.is_running and f"quit cancelled: saving to {tiny_copy} goes on" in message(app)
        await press(pilot, "q")
        await until_asked(app, pilot)
        await press(pilot, "y")
        await pilot.pause()
    assert app.return_code == 0
    assert tiny_copy.read_bytes() == before  # the save never ran
    assert len(journals(_own_state_dir)) == 1  # the edit can be restored at the next launch


async def test_a_save_that_fails_while_quitting_asks_about_the_unsaved_edits(tiny_copy, _own_state_dir, held,
                                                                            monkeypatch):
    def full(*args, **kwargs):
        held.wait(30)
        raise scenario_save.SaveError("cannot write the file: No space left on device; nothing was changed")

    monkeypatch.setattr(scenario_save, "write_scenario", full)
    app = CnnTuiApp(load_scenario(tiny_copy))
    async with app.run_test(size=SIZE) as pilot:
        await edit_and_save(app, pilot)
        await press(pilot, "q")
        held.set()
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert str(app.screen.query_one("#question").content) == "You have unsaved changes. Quit anyway?"
        await press(pilot, "n")
        assert app.is_running and app.stepper.edited
        assert len(journals(_own_state_dir)) == 1
