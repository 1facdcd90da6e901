"""The cnn-tui application: a thin shell around the main screen.

The app holds what is the same on every screen: the stylesheet, the title, the command
palette (every row of ``tui.bindings.KEYS``), help and quit. The session — the stepper
and everything shown of it — lives in ``MainScreen``; its features own their keys.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from textual import events
from textual.app import App, SystemCommand
from textual.screen import Screen

from core.ascii_text import shown
from core.engine.scenario import Scenario
from core.engine.stepper import Stepper
from core.scenario.draft import Draft
from core.scenario.root import Root
from tui.ascii_view import AsciiApp
from tui.bindings import APP_BINDINGS, KEYS, key_label
from tui.message_log import Said
from tui.screens.main_screen import MainScreen

TEXTUAL_COMMANDS_LEFT_OUT = frozenset({"Quit", "Keys", "Maximize", "Minimize"})
QUIT_WAIT = 5.0  # seconds quitting waits for a running save before asking whether to abandon it


class CnnTuiApp(AsciiApp, App[int]):
    """Step through backpropagation of a small CNN."""

    CSS_PATH = "app.tcss"
    TITLE = "cnn-tui"
    BINDINGS = APP_BINDINGS

    def __init__(self, scenario: Scenario, design: Draft | None = None, root: Root | None = None) -> None:
        """``root``: open and save only inside that folder (a served session)."""
        super().__init__()
        self.main = MainScreen(scenario)
        self.main.files.root = root
        if root is not None:  # served: every tab is the server's user; no tab sees another's journal
            self.main.recovery.disable()
        self._design = design
        self._quit_wanted = False  # q was pressed while a save ran: quit once it has finished
    def get_default_screen(self) -> Screen[None]:
        return self.main

    @property
    def stepper(self) -> Stepper:
        """The session's stepper (held by the main screen)."""
        return self.main.stepper

    async def on_event(self, event: events.Event) -> None:
        """A key typed while a dialog opens or while its answer is handled is dropped
        (``tui.typeahead``); every other event goes on as usual."""
        if isinstance(event, events.Key) and not event.is_forwarded and \
                not self.main.typeahead.arrived(event, self.screen, self.main):
            return
        await super().on_event(event)

    def on_said(self, message: Said) -> None:
        """A dialog's own message (a file that would not open): into the session's message log."""
        self.main.messages.log.add(message.text, message.error)

    async def on_key(self, event: events.Key) -> None:
        """Runs as a key's binding is looked up (before ``App._on_key``): a key typed on
        another screen than the one now active is dropped, never run as a command."""
        if self.main.typeahead.stale(event, self.screen):
            event.prevent_default()
            event.stop()
            return
        if self.screen is self.main:
            await self.main.key_not_applying(event)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        # Textual's own, but those the key table has better (quit asks about unsaved changes, help
        # lists every key) and Maximize, which shows one panel without its neighbours
        for command in super().get_system_commands(screen):
            if command.title not in TEXTUAL_COMMANDS_LEFT_OUT:
                yield command
        table = getattr(screen, "KEY_TABLE", None)  # a screen with a key table of its own (the editor)
        for keys, action, _label, _shown, text in table or KEYS:
            title = text[0].upper() + text[1:]
            label = key_label(keys)
            run = partial(self._screen_key, screen, action) if table else partial(self._palette, action)
            yield SystemCommand(shown(f"{title} ({label})"), f"key {label}", run)

    def _palette(self, action: str) -> None:
        self.call_later(self.main.run_key, action)

    def _screen_key(self, screen: Screen[object], action: str) -> None:
        self.call_later(screen.run_action, action)

    def on_mount(self) -> None:
        if self._design is not None:  # ``cnn-tui new``: the editor first, on a blank network
            self.main.design.open_editor(self._design)

    def action_help(self) -> None:
        from tui.screens.help_screen import HelpScreen

        scenario = self.main.stepper.scenario
        self.push_screen(HelpScreen(scenario.name, scenario.description, self.main.stepper.network.loss.symbol))

    async def action_quit(self) -> None:
        files = self.main.files
        if files.busy:  # a save (or export) is running: quitting now would abandon it silently
            self._quit_when_done(files.busy)
            return
        self._quit_wanted = False
        self.main.confirm_if_edited("You have unsaved changes. Quit anyway?", self._quit_cleanly)

    def _quit_when_done(self, busy: str) -> None:
        """Wait (at most ``QUIT_WAIT`` seconds) for the running file work, then quit as
        usual (asking about unsaved changes if the save failed); if it is still running by
        then, ask whether to abandon it."""
        if self._quit_wanted:
            return  # already waiting
        self._quit_wanted = True
        self.main.say(f"{busy} — quitting once it has finished…")
        timer = self.set_timer(QUIT_WAIT, lambda: self._ask_abandon(busy))

        def finished() -> None:
            timer.stop()
            if self._quit_wanted:
                self.call_later(self.action_quit)

        self.main.files.when_done(finished)

    def _ask_abandon(self, busy: str) -> None:
        from tui.screens.confirm_screen import ConfirmScreen

        if not self._quit_wanted or not self.main.files.busy:
            return

        def answered(abandon: bool | None) -> None:
            if not self._quit_wanted:
                return  # the work ended meanwhile and the app is quitting as usual
            if not abandon:
                self._quit_wanted = False
                self.main.say(f"quit cancelled: {busy} goes on")
                return
            if not self.main.files.busy:
                self.call_later(self.action_quit)
                return
            self.main.recovery.close()  # not a clean quit: the journal stays for the next launch
            self.exit(0)

        self.main.ask(ConfirmScreen(f"{busy} is still running: quit and abandon it?"), answered)

    def _quit_cleanly(self) -> None:
        self.main.recovery.forget()  # a clean quit leaves no recovery journal
        self.exit(0)
