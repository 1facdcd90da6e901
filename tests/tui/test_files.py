"""Open, save and save as; a broken file leaves the session untouched."""

from __future__ import annotations

import numpy as np
from textual.widgets import Input, Static
from tui_helpers import SIZE, cell, message, press, status

from core.scenario.catalog import load
from tui.app import CnnTuiApp

BROKEN = "format: 1\nname: broken\ninput: [1, 4]\nsamples:\n  - x: [[0.1, 0.0]]\n    y: [1, 0]\nlayers: []\n"


async def open_dialog(pilot, app):
    await press(pilot, "o")
    await pilot.pause()
    assert app.screen.__class__.__name__ == "OpenScreen"
    return app.screen


async def test_open_broken_file_shows_the_error_and_keeps_the_session(app, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(BROKEN)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "F")
        stepper = app.stepper
        screen = await open_dialog(pilot, app)
        screen.query_one("#open-path", Input).value = str(bad)
        await press(pilot, "enter")
        error = str(screen.query_one("#open-error", Static).content)
        assert "bad.yaml" in error
        assert app.screen is screen  # still open: fix the path or escape
        await press(pilot, "escape")
        await pilot.pause()
        assert app.stepper is stepper
        assert cell(app, "out.out[0]") == "0.706✓"
        assert "open cancelled" in message(app)


async def test_open_a_file_replaces_the_session(app, tiny_copy):
    text = tiny_copy.read_text().replace("learning_rate: 0.5", "learning_rate: 0.25")
    tiny_copy.write_text(text)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_dialog(pilot, app)
        screen.query_one("#open-path", Input).value = str(tiny_copy)
        await press(pilot, "enter")
        await pilot.pause()
        assert "α 0.25" in status(app)
        assert app.stepper.scenario.path == tiny_copy
        assert "opened" in message(app)
        await press(pilot, "F")
        assert cell(app, "out.out[0]") == "0.706✓"


async def test_open_a_bundled_name(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_dialog(pilot, app)
        screen.query_one("#open-path", Input).value = "tiny-cnn"
        await press(pilot, "enter")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "MainScreen"
        assert cell(app, "conv.out[0,0]") == "·"


async def test_open_with_unsaved_edits_asks_first(app):
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "n", "n", "o")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "ConfirmScreen"
        await press(pilot, "y")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "OpenScreen"


async def test_save_of_a_bundled_scenario_asks_for_a_path(app, tmp_path):
    target = tmp_path / "mine.yaml"
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "n")  # one iteration: the updated weights are saved
        await press(pilot, "s")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "SaveScreen"
        app.screen.query_one("#save-path", Input).value = str(target)
        await press(pilot, "enter")
        await pilot.pause()
        assert f"saved to {target}" in message(app)
        assert not app.stepper.edited
    saved = load(str(target))
    expected = app.stepper.current_scenario().params
    for layer, ps in expected.items():
        for kind, arr in ps.items():
            np.testing.assert_array_equal(saved.params[layer][kind], arr)
    assert saved.params["out"]["weight"][0, 0] != 0.1


async def test_save_writes_to_the_scenario_path(tiny_copy):
    app = CnnTuiApp(load(str(tiny_copy)))
    async with app.run_test(size=SIZE) as pilot:
        app.main.select("fc.bias[1]")
        await press(pilot, "enter")
        app.focused.value = "-0.125"
        await press(pilot, "enter")
        assert app.stepper.edited
        await press(pilot, "s")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "MainScreen"
        assert "saved to" in message(app)
        assert not app.stepper.edited
    assert load(str(tiny_copy)).params["fc"]["bias"][1] == -0.125


async def test_save_as_then_save_goes_to_the_new_path(tiny_copy, tmp_path):
    app = CnnTuiApp(load(str(tiny_copy)))
    other = tmp_path / "other.yaml"
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "S")
        await pilot.pause()
        field = app.screen.query_one("#save-path", Input)
        assert field.value == str(tiny_copy)
        field.value = str(other)
        await press(pilot, "enter")
        await pilot.pause()
        assert other.exists()
        assert app.stepper.scenario.path == other


async def test_save_to_a_missing_folder_shows_the_error(app, tmp_path):
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "S")
        await pilot.pause()
        app.screen.query_one("#save-path", Input).value = str(tmp_path / "nope" / "x.yaml")
        await press(pilot, "enter")
        await pilot.pause()
        assert "does not exist. Create it?" in str(app.screen.query_one("#question").content)
        await press(pilot, "n")
        await pilot.pause()
        assert "was not created: nothing written" in message(app)
        assert app.screen.query_one("#save-path", Input).value == str(tmp_path / "nope" / "x.yaml")


async def test_save_as_over_an_existing_file_asks_first(app, tiny_copy):
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "S")
        await pilot.pause()
        app.screen.query_one("#save-path", Input).value = str(tiny_copy)
        await press(pilot, "enter")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "ConfirmScreen"
        await press(pilot, "n")
        await pilot.pause()
        assert "cancelled" in message(app)
