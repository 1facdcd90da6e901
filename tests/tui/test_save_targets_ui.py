"""Saving or exporting to a folder, or into a folder that does not exist: the dialog says why
and keeps the typed path, and a missing folder is offered to be created."""

from __future__ import annotations

from textual.widgets import Input, Label
from tui_helpers import SIZE, message, press

from core.scenario.targets import quote_path
from tui.screens.confirm_screen import ConfirmScreen
from tui.screens.export_screen import ExportScreen
from tui.screens.save_screen import SaveScreen


async def save_as(pilot, path: str) -> None:
    await press(pilot, "S")
    await pilot.pause()
    pilot.app.screen.query_one("#save-path", Input).value = path
    await press(pilot, "enter")
    await pilot.pause()


async def test_save_as_to_a_folder_says_so_first_and_keeps_the_path(app, tmp_path):
    async with app.run_test(size=SIZE) as pilot:
        await save_as(pilot, str(tmp_path))
        assert isinstance(app.screen, SaveScreen)  # never "… exists. Overwrite it?"
        assert app.screen.query_one("#save-path", Input).value == str(tmp_path)
        error = str(app.screen.query_one("#save-error", Label).content)
        assert error.startswith("not saved:") and "this is a folder: give a file name" in error
        assert list(tmp_path.iterdir()) == []
        app.screen.query_one("#save-path", Input).value = str(tmp_path / "mine.yaml")
        await press(pilot, "enter")
        for _ in range(10):
            await pilot.pause()
        assert (tmp_path / "mine.yaml").is_file() and "saved to" in message(app)


async def test_save_into_a_missing_folder_offers_to_create_it(app, tmp_path):
    target = tmp_path / "new" / "deeper" / "mine.yaml"
    async with app.run_test(size=SIZE) as pilot:
        await save_as(pilot, str(target))
        assert isinstance(app.screen, ConfirmScreen)
        question = str(app.screen.query_one("#question").content)
        assert question == f"The folder {quote_path(str(target.parent))} does not exist. Create it?"
        await press(pilot, "n")  # declined: back to the dialog, the path as typed
        await pilot.pause()
        assert isinstance(app.screen, SaveScreen)
        assert app.screen.query_one("#save-path", Input).value == str(target)
        assert not target.parent.exists()
        await press(pilot, "enter")
        await pilot.pause()
        await press(pilot, "y")
        for _ in range(10):
            await pilot.pause()
        assert target.is_file() and app.screen is app.main
        assert f"created the folder {quote_path(str(target.parent))}" in app.main.messages.log.texts
        assert message(app).startswith(f"saved to {target}")


async def test_export_into_a_missing_folder_offers_to_create_it(app, tmp_path):
    target = tmp_path / "reports" / "it1.tex"
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "n", "e")
        await pilot.pause()
        assert isinstance(app.screen, ExportScreen)
        await press(pilot, "down")  # LaTeX
        field = app.screen.query_one("#export-path", Input)
        field.value = str(target)
        field.focus()
        await press(pilot, "enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await press(pilot, "y")
        for _ in range(10):
            await pilot.pause()
        assert target.is_file() and target.read_text().startswith("\\documentclass")
        assert message(app).startswith("exported iteration 1 as LaTeX")
