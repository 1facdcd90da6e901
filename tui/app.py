"""The cnn-tui application: a thin shell around the main screen.

The app holds what is the same on every screen: the stylesheet, the title, the command
palette (every row of ``tui.bindings.KEYS``), help and quit. The session — the stepper
and everything shown of it — lives in ``MainScreen``; its features own their keys.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from textual.app import App, SystemCommand
from textual.screen import Screen

from core.engine.scenario import Scenario
from core.engine.stepper import Stepper
from tui.bindings import APP_BINDINGS, KEYS, key_label
from tui.screens.main_screen import MainScreen


class CnnTuiApp(App[int]):
    """Step through backpropagation of a small CNN."""

    CSS_PATH = "app.tcss"
    TITLE = "cnn-tui"
    BINDINGS = APP_BINDINGS

    def __init__(self, scenario: Scenario) -> None:
        super().__init__()
        self.main = MainScreen(scenario)

    def get_default_screen(self) -> Screen[None]:
        return self.main

    @property
    def stepper(self) -> Stepper:
        """The session's stepper (held by the main screen)."""
        return self.main.stepper

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for keys, action, _label, _shown, text in KEYS:
            title = text[0].upper() + text[1:]
            yield SystemCommand(f"{title} ({key_label(keys)})", text, partial(self._palette, action))

    def _palette(self, action: str) -> None:
        self.call_later(self.main.run_key, action)

    def action_help(self) -> None:
        from tui.screens.help_screen import HelpScreen

        scenario = self.main.stepper.scenario
        self.push_screen(HelpScreen(scenario.name, scenario.description))

    async def action_quit(self) -> None:
        self.main.confirm_if_edited("You have unsaved edits. Quit anyway?", self._quit_cleanly)

    def _quit_cleanly(self) -> None:
        self.main.recovery.forget()  # a clean quit leaves no recovery journal
        self.exit(0)
