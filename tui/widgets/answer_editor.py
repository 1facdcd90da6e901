"""``x``: the learner's own value for one number, typed where the number is.

The typed text becomes the scenario's expected value for that number (checked ✓/✗ at
once, saved under ``expected``); the app does the checking, this is only the editor.
"""

from __future__ import annotations

from tui.widgets.layer_panel import CellEditor, EditCancelled, LayerPanel


class AnswerEditor(CellEditor):
    """An inline editor like the value editor; enter records the answer, escape cancels."""

    def __init__(self, name: str, text: str) -> None:
        super().__init__(name, text)
        self.add_class("my-answer")
        self.placeholder = "my answer"

    def action_cancel(self) -> None:
        panel = self.parent
        self.remove()
        if isinstance(panel, LayerPanel):
            getattr(panel, "view", panel.grid).focus()
            self.app.post_message(AnswerCancelled(self.quantity))


class AnswerCancelled(EditCancelled):
    """escape in the answer editor."""
