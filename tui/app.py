"""The cnn-tui application: a thin shell around the main screen.

The app holds what is the same on every screen: the stylesheet, the title, the command
palette (every row of ``tui.bindings.KEYS``), help and quit. The session — the stepper
and everything shown of it — lives in ``MainScreen``; its features own their keys.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import TYPE_CHECKING

from textual import events
from textual.app import App, SystemCommand
from textual.screen import Screen
from textual.theme import Theme

from core.ascii_text import shown
from core.engine.scenario import Scenario
from core.engine.stepper import Stepper
from core.i18n import mark, tr
from tui.ascii_view import AsciiApp
from tui.bindings import APP_BINDINGS, KEYS, key_label
from tui.message_log import Said
from tui.screens.main_screen import MainScreen
from tui.startup import release_collector
from tui.widgets.one_frame import hand_over_repaints

if TYPE_CHECKING:  # the editor's draft and a served root: imported by the command when used
    from core.scenario.draft import Draft
    from core.scenario.root import Root

TEXTUAL_COMMANDS_LEFT_OUT = frozenset({"Quit", "Keys", "Maximize", "Minimize"})
# Textual's own words that the palette and the key bar show (said in the current language there)
TEXTUAL_WORDS = (mark("Theme"), mark("Change the current theme"), mark("Screenshot"),
                 mark("Save an SVG 'screenshot' of the current screen"), mark("palette"),
                 mark("Open the command palette"))
PALETTE_PLACEHOLDER = mark("Search for commands…")
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
        self._theme_of: tuple[str, Theme] | None = None  # current_theme, for the theme it was found for

    @property
    def current_theme(self) -> Theme:
        """Textual's, remembered for the theme's name: Textual copies the table of themes twice
        to find it, and the compositor asks for every line it draws (~5 ms of a keypress)."""
        if self._theme_of is None or self._theme_of[0] != self.theme:
            self._theme_of = (self.theme, super().current_theme)
        return self._theme_of[1]

    def register_theme(self, theme: Theme) -> None:
        super().register_theme(theme)
        self._theme_of = None  # a theme of that name may have been replaced

    def get_default_screen(self) -> Screen[None]:
        return self.main

    @property
    def stepper(self) -> Stepper:
        """The session's stepper (held by the main screen)."""
        return self.main.stepper

    async def on_event(self, event: events.Event) -> None:
        """A key typed while a dialog opens or while its answer is handled is dropped
        (``tui.typeahead``); every other event goes on as usual. After each of the App's
        turns with a key (the first, where its priority bindings run and it is sent on to
        the focused widget; and when it comes back up for the other bindings), what the key
        changed goes to the screen at once (``hand_over_repaints``); on a turn that changed
        nothing it finds nothing to post."""
        if isinstance(event, events.Key) and not event.is_forwarded and \
                not self.main.typeahead.arrived(event, self.screen, self.main):
            return
        await super().on_event(event)
        if isinstance(event, events.Key):
            hand_over_repaints(self.screen)

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
                yield command._replace(title=tr(command.title), help=tr(command.help))
        table = getattr(screen, "KEY_TABLE", None)  # a screen with a key table of its own (the editor)
        for keys, action, _label, _shown, text in table or KEYS:
            said = tr(text)
            title = said[0].upper() + said[1:]
            label = key_label(keys)
            run = partial(self._screen_key, screen, action) if table else partial(self._palette, action)
            yield SystemCommand(shown(f"{title} ({label})"), shown(tr("key {key}", key=label)), run)

    def action_command_palette(self) -> None:
        """Textual's palette, its search box prompting in the current language."""
        from textual.command import CommandPalette

        if self.use_command_palette and not isinstance(self.screen, CommandPalette):  # as CommandPalette.is_open
            self.push_screen(CommandPalette(placeholder=shown(tr(PALETTE_PLACEHOLDER)), id="--command-palette"))

    def _palette(self, action: str) -> None:
        self.call_later(self.main.run_key, action)

    def _screen_key(self, screen: Screen[object], action: str) -> None:
        self.call_later(screen.run_action, action)

    def on_mount(self) -> None:
        self.call_after_refresh(release_collector)  # start-up held it off (tui/startup.py)
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
        self.main.confirm_if_edited(tr("You have unsaved changes. Quit anyway?"), self._quit_cleanly)

    def _quit_when_done(self, busy: str) -> None:
        """Wait (at most ``QUIT_WAIT`` seconds) for the running file work, then quit as
        usual (asking about unsaved changes if the save failed); if it is still running by
        then, ask whether to abandon it."""
        if self._quit_wanted:
            return  # already waiting
        self._quit_wanted = True
        self.main.say(tr("{busy} — quitting once it has finished…", busy=busy))
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
                self.main.say(tr("quit cancelled: {busy} goes on", busy=busy))
                return
            if not self.main.files.busy:
                self.call_later(self.action_quit)
                return
            self.main.recovery.close()  # not a clean quit: the journal stays for the next launch
            self.exit(0)

        self.main.ask(ConfirmScreen(tr("{busy} is still running: quit and abandon it?", busy=busy)), answered)

    def _quit_cleanly(self) -> None:
        self.main.recovery.forget()  # a clean quit leaves no recovery journal
        self.exit(0)
