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
