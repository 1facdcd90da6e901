"""Dialogs on an 80×24 terminal: their sentences wrap inside the dialog instead of being cut off."""

from __future__ import annotations

import pytest
from textual.widgets import Label
from tui_helpers import press

from tui.screens.export_screen import ExportScreen
from tui.screens.quiz_screen import QuizScreen
from tui.screens.save_screen import SaveScreen

NARROW = (80, 24)


def labels_fit(screen) -> None:
    dialog = screen.query_one(".dialog")
    for label in screen.query(Label):
        text = str(label.content)
        if not text:
            continue
        assert label.region.right <= dialog.content_region.right, text
        # every character is laid out: the label is as many lines high as the text needs
        assert label.region.width * label.region.height >= len(text), text


@pytest.mark.parametrize("keys, screen_type", [(("Q",), QuizScreen), (("n", "e"), ExportScreen),
                                                (("s",), SaveScreen)])
async def test_dialog_sentences_wrap_at_80_columns(app, keys, screen_type):
    async with app.run_test(size=NARROW) as pilot:
        await press(pilot, *keys)
        await pilot.pause()
        assert isinstance(app.screen, screen_type)
        labels_fit(app.screen)


def inside(inner, outer) -> bool:
    return outer.x <= inner.x and inner.right <= outer.right and outer.y <= inner.y and inner.bottom <= outer.bottom


async def test_export_dialog_shows_its_file_field_at_60_by_20(app):
    from textual.widgets import Input

    async with app.run_test(size=(60, 20)) as pilot:
        await press(pilot, "n", "e")
        await pilot.pause()
        assert isinstance(app.screen, ExportScreen)
        dialog = app.screen.query_one(".dialog")
        field = app.screen.query_one("#export-path", Input)
        assert inside(field.region, dialog.content_region), (field.region, dialog.content_region)
        assert dialog.region.bottom <= 20
        await press(pilot, "tab")
        field.value = "/nonexistent-root-folder-for-a-test/x.md"
        await press(pilot, "enter", "n")  # not creating the folder: the dialog opens again, with the error
        await pilot.pause()
        assert isinstance(app.screen, ExportScreen)
        field = app.screen.query_one("#export-path", Input)
        dialog = app.screen.query_one(".dialog")
        assert app.focused is field and field.value == "/nonexistent-root-folder-for-a-test/x.md"
        assert inside(field.region, dialog.content_region)  # scrolled into view, not clipped
        labels_fit(app.screen)
