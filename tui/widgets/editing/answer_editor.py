"""``x``: the learner's own value for one number, typed where the number is.

The typed text becomes the scenario's expected value for that number (checked ✓/✗ at
once, saved under ``expected``); the editing feature does the checking, this is only the editor.
"""

from __future__ import annotations

from core.i18n import tr
from tui.widgets.panels.layer_panel import CellEditor


class AnswerEditor(CellEditor):
    """An inline editor like the value editor; enter records the answer, escape cancels."""

    def __init__(self, name: str, text: str) -> None:
        super().__init__(name, text)
        self.add_class("my-answer")
        self.placeholder = tr("my answer")
