"""What a feature may use of the main screen: the session (stepper, selection, decimals) and its view.

Features (quiz, editing, training, files …) are handed the main screen as a ``StepHost``
and import only this module, never the screen itself: no import circle, and the list of
what a feature may touch is written down here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from rich.text import Text
from textual.screen import Screen

from core.engine.scenario import Scenario
from core.engine.stepper import Stepper

if TYPE_CHECKING:
    from tui.widgets.panels.layer_panel import LayerPanel

Result = TypeVar("Result")


class StepHost(Screen[None]):
    """The main screen as the features see it; ``tui.screens.main_screen.MainScreen`` fills it in."""

    stepper: Stepper
    decimals: int
    selected: str | None
    fresh: set[str]

    async def replace_session(self, scenario: Scenario) -> None:
        """A freshly loaded scenario in place of the current one."""
        raise NotImplementedError

    def say(self, text: str, error: bool = False) -> None:
        """The one-line outcome of the last command (errors in the error style)."""
        raise NotImplementedError

    def refresh_view(self) -> None:
        """Redraw every panel, the status line and the derivation from the stepper."""
        raise NotImplementedError

    def show_derivation(self) -> None:
        raise NotImplementedError

    def show_status(self) -> None:
        """The status line from the stepper (refresh_view includes it)."""
        raise NotImplementedError

    def refresh_marks(self) -> None:
        """Redraw the panels' marks and the derivation (the selection's trace has changed)."""
        raise NotImplementedError

    def select(self, name: str, redraw: bool = True) -> None:
        """Move the cursor (and focus) to a quantity wherever it is shown (``redraw=False``:
        the caller redraws the view next)."""
        raise NotImplementedError

    def keep_selection_in_view(self) -> None:
        """Scroll the panels until the selected value shows (after a change of widths)."""
        raise NotImplementedError

    def session_changed(self) -> None:
        """Every change of the session (a step, an edit, an answer, an open) ends here."""
        raise NotImplementedError

    @property
    def panels(self) -> list[LayerPanel]:
        raise NotImplementedError

    def blocked(self, action: str) -> str | None:
        """Why a running feature (a quiz, training) holds ``action`` back; None if nothing does."""
        raise NotImplementedError

    def quiz_hidden(self) -> frozenset[str]:
        """The names a running quiz keeps hidden (nothing outside a quiz)."""
        raise NotImplementedError

    def set_note(self, name: str, text: Text) -> None:
        """Text shown below the derivation of ``name`` until the session changes."""
        raise NotImplementedError

    def ask(self, dialog: Screen[Result], then: Callable[[Result | None], Any]) -> None:
        """Open a dialog; its answer goes to ``then`` (guarded: a failure becomes a message)."""
        raise NotImplementedError

    async def guarded(self, work: Callable[[], Any]) -> None:
        """Run a user's action; whatever it raises ends as one message, the app keeps running."""
        raise NotImplementedError

    def confirm_if_edited(self, question: str, then: Callable[[], None], always: bool = False) -> None:
        """Run ``then`` at once, or after a yes to ``question`` when there are unsaved changes."""
        raise NotImplementedError
