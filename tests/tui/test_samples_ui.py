"""l picks the samples of an iteration (a list with labels and a picture); a changes α in the status line."""

from __future__ import annotations

from textual.widgets import OptionList, Static
from tui_helpers import SIZE, cell, message, press, status

from core.scenario.catalog import load
from tui.app import CnnTuiApp
from tui.screens.samples_screen import SamplesScreen
from tui.widgets.bars.rate_editor import RateEditor


async def test_l_lists_the_samples_with_their_labels_and_a_picture_and_enter_picks_a_batch() -> None:
    app = CnnTuiApp(load("digits"))
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "escape", "l")
        await pilot.pause()
        assert isinstance(app.screen, SamplesScreen)
        listing = app.screen.query_one(OptionList)
        labels = app.stepper.state.samples.labels
        assert listing.option_count == 1437
        assert str(listing.get_option_at_index(2).prompt) == f"    3  label {int(labels[2])}"
        await press(pilot, "down", "down")
        shown = app.screen.query_one("#samples-preview", Static).content
        assert str(getattr(shown, "plain", shown)).startswith(f"sample 3 · label {int(labels[2])}\n▀▀")
        await press(pilot, "enter")
        await pilot.pause()
        assert app.screen is app.main
        assert app.stepper.sample_indices() == list(range(2, 10))
        assert "samples 3, 4, 5, 6…/1437" in status(app)
        assert message(app).startswith("iteration 1 uses samples 3, 4, 5, 6, 7, 8, 9, 10")
        await press(pilot, "z")
        assert app.stepper.sample_indices() == list(range(8))


async def test_escape_keeps_the_samples(app: CnnTuiApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "F", "l")
        await pilot.pause()
        await press(pilot, "escape")
        await pilot.pause()
        assert app.screen is app.main
        assert message(app) == "the iteration keeps its samples"
        assert app.stepper.phase().describe() == "backward 1/4: out"


async def test_a_changes_the_learning_rate_and_a_bad_one_is_said_and_kept_to_correct(app: CnnTuiApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "escape", "n", "a")
        editor = app.main.query_one(RateEditor)
        assert editor.value == "0.5" and editor.has_focus
        assert not app.main.query_one("#status").display
        await press(pilot, *"-2", "enter")
        assert message(app) == "learning_rate: expected a number > 0, got -2"
        assert app.main.query(RateEditor) and app.stepper.scenario.learning_rate == 0.5
        editor.value = "abc"
        await press(pilot, "enter")
        assert message(app) == "learning_rate: expected a number, got the text 'abc'"
        editor.value = "0.25"
        await press(pilot, "enter")
        assert not app.main.query(RateEditor)
        assert app.main.query_one("#status").display
        assert app.stepper.scenario.learning_rate == 0.25
        assert message(app) == "α = 0.25: cleared the update (z undoes)"
        assert "α 0.25" in status(app)
        assert cell(app, "out.new_weight[0,0]") == "·"
        await press(pilot, "u")
        assert cell(app, "out.new_weight[0,0]") == "0.145✗"  # 0.1 − 0.25·(−0.179): the notes expect α = 0.5
        await press(pilot, "z", "z")
        assert app.stepper.scenario.learning_rate == 0.5


async def test_escape_in_the_rate_editor_keeps_alpha(app: CnnTuiApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "escape", "a", "9", "escape")
        assert not app.main.query(RateEditor)
        assert message(app) == "α stays 0.5"
        assert app.stepper.scenario.learning_rate == 0.5
