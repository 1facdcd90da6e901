"""Keys typed ahead of a dialog go to the dialog or are dropped: they never run as commands
on the main screen, and a dialog is never answered by keys typed before it was shown."""

from __future__ import annotations

import pytest
from textual import events
from tui_helpers import SIZE, press

from tui.screens.confirm_screen import ConfirmScreen
from tui.screens.export_screen import ExportScreen
from tui.screens.open_screen import OpenScreen
from tui.screens.save_screen import SaveScreen
from tui.screens.train_screen import TrainScreen


def burst(app, *keys: str) -> None:
    """Keys typed faster than the app answers: all sent before any is handled."""
    for key in keys:
        event = events.Key(key, key if len(key) == 1 else None)
        event.set_sender(app)
        app._driver.send_message(event)


async def settle(pilot, turns: int = 12) -> None:
    for _ in range(turns):
        await pilot.pause()


async def edit_input(pilot) -> None:
    """An unsaved edit (input[0,0] → 0.5), so opening asks first."""
    await press(pilot, "enter", *"0.5", "enter")


@pytest.mark.parametrize("before, opener, screen_type", [
    ((), "S", SaveScreen), ((), "t", TrainScreen), (("n",), "e", ExportScreen), ((), "o", OpenScreen)])
async def test_keys_typed_with_the_key_that_opens_a_dialog_run_no_command(app, before, opener, screen_type):
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, *before)
        phase, said = app.main.stepper.phase(), list(app.main.messages.log.texts)
        burst(app, opener, "f", "b", "u", "z")  # meant for the dialog's field
        await settle(pilot)
        assert isinstance(app.screen, screen_type)
        assert app.main.stepper.phase() == phase  # no step, no undo
        assert app.main.messages.log.texts == said  # not even "the backward pass starts from the loss"


async def test_keys_typed_after_answering_run_no_command_before_the_next_dialog(app):
    async with app.run_test(size=SIZE) as pilot:
        await edit_input(pilot)
        await press(pilot, "o")
        assert isinstance(app.screen, ConfirmScreen)
        phase, said = app.main.stepper.phase(), list(app.main.messages.log.texts)
        burst(app, "y", "f", "b", "n", "z")  # yes, then the start of a path for the open dialog
        await settle(pilot)
        assert isinstance(app.screen, OpenScreen)
        assert app.main.stepper.phase() == phase and app.main.stepper.iteration == 1
        assert app.main.stepper.edited  # z did not undo the edit
        assert app.main.messages.log.texts == said


async def test_an_answer_typed_before_the_question_was_shown_does_not_answer_it(app):
    async with app.run_test(size=SIZE) as pilot:
        await edit_input(pilot)
        burst(app, "o", "y")  # y typed before "Open another scenario anyway?" was on screen
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert app.main.typeahead.dropped >= 1
        await press(pilot, "y")  # typed once the question shows: it answers
        await settle(pilot)
        assert isinstance(app.screen, OpenScreen)


async def test_keys_typed_once_a_dialog_shows_go_to_it(app):
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "S")
        field = app.screen.query_one("#save-path")
        field.value = ""
        burst(app, *"ab.yaml")
        await settle(pilot)
        assert field.value == "ab.yaml"
        assert app.main.stepper.phase().describe() == "forward 1/4: conv"
