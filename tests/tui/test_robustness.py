"""The app never dies of a user's action: the editor sequences that ended in DuplicateIds, hostile
opens and saves, and a seeded storm of keys and resizes on every bundled scenario."""

from __future__ import annotations

import os
import random
import time

import numpy as np
import pytest
from textual.widgets import Input, Static
from tui_helpers import SIZE, cell, message, press

from core.scenario.catalog import bundled_names, load
from tui.app import CnnTuiApp
from tui.background import running_jobs
from tui.bindings import KEYS
from tui.widgets.editing.answer_editor import AnswerEditor
from tui.widgets.panels.layer_panel import CellEditor


async def settle(pilot, seconds: float = 10.0) -> None:
    """Until no file work (background threads) nor training is running, then one more turn of the loop."""
    app = pilot.app
    end = time.monotonic() + seconds
    while time.monotonic() < end and (running_jobs() or any(w.group == "train" and w.is_running
                                                             for w in app.workers)):
        await pilot.pause(0.02)
    await pilot.pause()
    await pilot.pause()


# --- issue 8: DuplicateIds 'cell-editor' --------------------------------------------------
async def test_my_answer_twice_after_moving_away_keeps_one_editor(app):
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "F")
        app.main.select("out.out[0]")
        await press(pilot, "x", "tab", "shift+tab", "shift+tab", "x")
        await pilot.pause()
        assert app.is_running
        editors = list(app.screen.query(AnswerEditor))
        assert len(editors) == 1 and editors[0].quantity == app.main.selected
        assert app.focused is editors[0]


async def test_editing_a_second_weight_after_tab_keeps_one_editor(app):
    async with app.run_test(size=SIZE) as pilot:
        app.main.select("fc.weight[0,0]")
        await press(pilot, "enter", "tab")
        app.main.select("fc.weight[0,1]")
        await press(pilot, "enter")
        await pilot.pause()
        assert app.is_running
        editors = list(app.screen.query(CellEditor))
        assert [e.quantity for e in editors] == ["fc.weight[0,1]"]
        editors[0].value = "0.5"
        await press(pilot, "enter")
        assert cell(app, "fc.weight[0,1]") == "0.500"
        assert not app.screen.query(CellEditor)


# --- issue 8: hostile opens and saves end in a message, the session kept --------------------
@pytest.mark.parametrize("content", [
    b"\x00\x01\x02 not yaml at all \xff\xfe",
    b"format: 1\nname: x\ninput: [1, 100000]\nlayers:\n  - type: maxpool1d\n    size: 50000\n    stride: 1\n",
    b"[" * 5000,
], ids=["binary", "huge-window-table", "deep-nesting"])
async def test_open_of_a_hostile_file_after_the_edit_question_keeps_the_session(app, tmp_path, content):
    bad = tmp_path / "hostile.yaml"
    bad.write_bytes(content)
    async with app.run_test(size=SIZE) as pilot:
        app.main.select("fc.bias[1]")
        await press(pilot, "enter")
        app.focused.value = "-0.125"
        await press(pilot, "enter", "o")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "ConfirmScreen"
        await press(pilot, "y")
        await pilot.pause()
        screen = app.screen
        assert screen.__class__.__name__ == "OpenScreen"
        screen.query_one("#open-path", Input).value = str(bad)
        await press(pilot, "enter")
        await settle(pilot)
        error = str(screen.query_one("#open-error", Static).content)
        assert error and "Traceback" not in error and "Error" not in error.split(":")[0]
        assert app.screen is screen and app.is_running
        await press(pilot, "escape")
        await pilot.pause()
        assert cell(app, "fc.bias[1]") == "−0.125" and app.main.stepper.edited
        assert app.main.unexpected == []


async def test_open_of_a_fifo_never_freezes_the_screen_nor_holds_up_quitting(app, tmp_path):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await press(pilot, "o")
            await pilot.pause()
            app.screen.query_one("#open-path", Input).value = str(fifo)
            await press(pilot, "enter")
            await pilot.pause(0.2)
            await press(pilot, "escape")  # the screen answers while the read waits (or was refused)
            await pilot.pause()
            await press(pilot, "f")
            assert app.main.stepper.phase().describe() == "forward 2/4: pool"
            assert app.main.stepper.scenario.name.startswith("tiny-cnn")
    finally:  # let a read still waiting on the pipe end (it finds junk, and nobody is told)
        try:
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        except OSError:
            pass  # no reader left: the open was refused without reading
    end = time.monotonic() + 10
    while running_jobs() and time.monotonic() < end:
        time.sleep(0.02)
    assert running_jobs() == 0


async def test_save_as_a_300_character_name_says_so_and_keeps_the_session(app, tmp_path):
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "F")
        await press(pilot, "S")
        await pilot.pause()
        app.screen.query_one("#save-path", Input).value = str(tmp_path / ("n" * 300 + ".yaml"))
        await press(pilot, "enter")
        await settle(pilot)
        # said, and the dialog opens again with the name as typed, to shorten it
        assert app.is_running and app.screen.__class__.__name__ == "SaveScreen"
        assert message(app).startswith("not saved:") and "OSError" not in message(app)
        await press(pilot, "escape")
        await settle(pilot)
        assert app.screen.__class__.__name__ == "MainScreen"
        assert cell(app, "out.out[0]") == "0.706✓"


async def test_export_to_a_missing_folder_says_so(app, tmp_path):
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "n", "e")
        await pilot.pause()
        app.screen.query_one("#export-path", Input).value = str(tmp_path / "nope" / "x.md")
        app.screen.query_one("#export-path", Input).focus()
        await press(pilot, "enter")
        await settle(pilot)
        assert app.is_running and "does not exist. Create it?" in str(app.screen.query_one("#question").content)
        await press(pilot, "n")  # not created: said, and the dialog opens again
        await settle(pilot)
        assert message(app).endswith("was not created: nothing written")
        assert app.screen.__class__.__name__ == "ExportScreen"
        assert app.main.unexpected == []


# --- a seeded key storm -----------------------------------------------------------------------
# the network editor's design replaces the session as opening a file does (undo cannot go back past it)
STORM_KEYS = [k for keys, action, *_ in KEYS if action not in ("quit", "network_editor") for k in keys.split(",")]
JUNK = list("0123456789.-eE,_xyzäé ") + ["enter", "enter", "escape", "escape", "tab", "shift+tab", "up", "down",
                                         "left", "right", "backspace", "ctrl+r"]
KEY_COUNT = {"digits": 40}  # digits is large: every step costs more


# one bundled scenario of each kind of network (about 10 s each): 1-D and 2-D convolutions and
# pools, a graph with batch norm, dropout, Adam, and the largest (every new layer at once)
STORMED = ("tiny-cnn", "x-vs-o-padded", "residual-block", "dropout-tiny", "adam-step", "digits-modern")


def test_the_key_storm_covers_bundled_scenarios() -> None:
    assert set(STORMED) <= set(bundled_names())


@pytest.mark.parametrize("name", STORMED)
async def test_key_storm_leaves_the_app_running_and_undo_returns_to_the_start(name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # saves and exports of a bundled scenario go to the working folder
    rng = random.Random(f"storm-{name}")
    original = load(name)
    app = CnnTuiApp(load(name))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        start_values = set(app.main.stepper.state.values)
        for i in range(KEY_COUNT.get(name, 120)):
            if i % 30 == 29:
                await pilot.resize_terminal(*rng.choice([(80, 24), (120, 36)]))
            key = rng.choice(STORM_KEYS) if rng.random() < 0.6 else rng.choice(JUNK)
            await pilot.press(key)
            if key == "t":  # training may start: stop it soon, as a learner would
                await pilot.pause(0.05)
        main = app.main
        for _ in range(5):  # leave any dialog, the quiz, an editor, a training run
            if main.training.running:
                main.training.action_stop_training()
            await settle(pilot)
            await pilot.press("escape")
        await settle(pilot)
        assert app.is_running
        assert main.unexpected == []  # nothing reached the last-resort guard: every error was a typed one
        while len(app.screen_stack) > 1:
            app.pop_screen()
            await pilot.pause()
        if main.quiz_mode.quiz is not None:
            await main.quiz_mode.leave()
        stepper = main.stepper
        assert stepper.scenario.name == original.name
        while stepper.can_undo:
            stepper.undo()
        for layer, params in original.params.items():
            for kind, values in params.items():
                np.testing.assert_array_equal(stepper.state.params[layer][kind], values)
        assert set(stepper.state.values) == start_values
        assert stepper.hand_rounding is None and not stepper.edited
        assert set(stepper.scenario.expected) == set(original.expected)
        main.refresh_view()  # the view can still show every value after the storm
        await pilot.pause()


async def test_an_unexpected_failure_of_an_action_is_said_and_the_app_goes_on(app, monkeypatch):
    """The last resort at the UI boundary: not a typed error (a bug, the system), still one message."""
    async with app.run_test(size=SIZE) as pilot:
        stepper = app.main.stepper

        def broken() -> str:
            raise ZeroDivisionError("internal detail")

        monkeypatch.setattr(stepper, "step_forward", broken)
        await press(pilot, "f")
        assert app.is_running
        said = message(app)
        assert said.startswith("that did not work: an unexpected error stopped it (logged in ")
        assert said.endswith("errors.log); the session is unchanged") and "internal detail" not in said
        from tui.error_log import log_path

        logged = log_path().read_text(encoding="utf-8")  # the traceback, for a report
        assert "ZeroDivisionError: internal detail" in logged and "step_forward" in logged
        assert len(app.main.unexpected) == 1 and stepper.phase().describe() == "forward 1/4: conv"
        monkeypatch.undo()
        await press(pilot, "f")
        assert cell(app, "conv.out[0,0]") != "·"


async def test_a_key_typed_as_the_app_starts_still_resizes_the_heatmaps():
    """The first key arrives before the first layout (as with keys typed ahead): the conv heatmap,
    taller once conv is computed, takes its new height instead of keeping the old one."""
    seen: dict[str, tuple[int, int]] = {}

    async def at_once(pilot) -> None:
        await pilot.press("f")  # no pause before: the first layout may still be pending
        await pilot.pause()
        await pilot.pause()
        view = pilot.app.screen.query_one("#heat-conv")
        seen["conv"] = (view.size.height, view.virtual_size.height)
        pilot.app.exit(0)

    app = CnnTuiApp(load("digits"))
    await app.run_async(headless=True, size=SIZE, auto_pilot=at_once)
    height, content = seen["conv"]
    assert content > 100 and height == content


async def test_a_scenario_the_screen_cannot_show_leaves_the_session_as_it_was(app, monkeypatch):
    from tui.screens.main_screen import MainScreen

    real = MainScreen.make_panels

    def fails_for_others(screen: MainScreen):
        if screen.stepper.scenario.name != "tiny-cnn — the notes' 1-D CNN":
            raise MemoryError
        return real(screen)

    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "F")
        stepper = app.main.stepper
        monkeypatch.setattr(MainScreen, "make_panels", fails_for_others)
        await press(pilot, "o")
        await pilot.pause()
        app.screen.query_one("#open-path", Input).value = "xor-tanh"
        await press(pilot, "enter")
        await settle(pilot)
        assert app.is_running and app.screen is app.main
        assert message(app).startswith("not opened: not enough memory")
        assert app.main.stepper is stepper and cell(app, "out.out[0]") == "0.706✓"
