"""Files: open (o), save (s), save as (S) and export (e).

Reading and writing run in a background thread (``tui.background``), so a slow disk, a
large file or a network folder never freezes the screen nor holds up quitting; until the work ends, the keys that
would change the session wait. Every failure ends in one message and leaves the session
as it was: a save or export that fails writes nothing, an open that fails keeps the
current scenario (the open dialog shows why and stays open).

Served (``cnn-tui serve --root DIR``): ``root`` confines open and save to DIR (a path
outside it is refused with one message), and in a browser an export is delivered as a
download (``App.deliver_text``) instead of written on the server.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from core.engine.scenario import Scenario
from core.errors import CnnTuiError
from core.i18n import tr
from core.scenario.catalog import bundled_dir
from tui.background import run_in_background
from tui.bindings import key_for
from tui.features.base import Feature
from tui.host import StepHost
from tui.problem import problem

if TYPE_CHECKING:
    from core.scenario.root import Root
    from core.scenario.save import Saved

# what may go on while a file is read or written (nothing that changes the session)
WHILE_FILE_WORK = frozenset({"help", "quit", "full_precision", "scroll_down", "scroll_up", "jacobian",
                             "toggle_heatmap", "toggle_chart", "messages"})


MIME_TYPES = {"markdown": "text/markdown", "latex": "application/x-tex", "pytorch": "text/x-python"}


def is_bundled(path: Path) -> bool:
    try:
        return path.resolve().parent == bundled_dir().resolve()
    except (OSError, RuntimeError):
        return False


class FilesFeature(Feature):
    """Opening, saving and exporting; the file work itself off the UI thread."""

    ACTIONS: ClassVar[frozenset[str]] = frozenset({"open", "save", "save_as", "export"})

    def __init__(self, host: StepHost) -> None:
        super().__init__(host)
        self.busy: str | None = None  # "saving …" while a save or export runs
        self.last_saved: Saved | None = None  # this session's last save: proof of what it wrote
        self._when_done: list[Callable[[], object]] = []  # run once the running work has ended
        self.root: Root | None = None  # served: open and save only inside this folder

    def when_done(self, then: Callable[[], object]) -> None:
        """Call ``then`` on the UI thread once the running save or export has ended (its
        outcome said); at once when nothing runs."""
        if self.busy is None:
            then()
            return
        self._when_done.append(then)

    def blocks(self, action: str) -> str | None:
        if self.busy and action not in WHILE_FILE_WORK:
            return tr("{busy} — a moment", busy=self.busy)
        return None

    # --- the background thread ----------------------------------------------------------
    def _run(self, busy: str, work: Callable[[], object], done: Callable[[object], None],
             failed: Callable[[BaseException], None]) -> None:
        """``work`` in a thread; ``done`` or ``failed`` on the UI thread when it ends."""
        self.busy = busy
        self.host.say(f"{busy}…")
        self.host.refresh_bindings()

        def finish(then: Callable[[], None]) -> Awaitable[None]:
            self.busy = None
            self.host.refresh_bindings()
            return self._finished(then)


        run_in_background(self.host.app, work, lambda result: finish(lambda: done(result)),
                          lambda err: finish(lambda: failed(err)), name=busy)

    async def _finished(self, then: Callable[[], None]) -> None:
        await self.host.guarded(then)  # on the UI thread, guarded like a key
        waiting, self._when_done = self._when_done, []
        for callback in waiting:
            await self.host.guarded(callback)

    # --- open ------------------------------------------------------------------------------
    def action_open(self) -> None:
        host = self.host

        def open_modal() -> None:
            from tui.screens.open_screen import OpenScreen

            start = host.stepper.scenario.path
            folder = start.parent if start and not is_bundled(start) else Path.cwd()
            if self.root is not None and not self.root.contains(folder):
                folder = self.root.folder
            host.ask(OpenScreen(folder, root=self.root), self._opened)

        host.confirm_if_edited("You have unsaved changes. Open another scenario anyway?", open_modal)

    def _opened(self, scenario: Scenario | None) -> None:
        if scenario is None:
            self.host.say(tr("open cancelled"))
            return
        self.host.call_later(self._adopt, scenario)

    async def _adopt(self, scenario: Scenario) -> None:
        host = self.host
        try:
            await host.replace_session(scenario)
        except Exception as err:  # a scenario the screen cannot show: say so (the panels are rebuilt)
            host.say(tr("not opened: {problem}", problem=problem(err)), error=True)
            return
        host.say(tr("opened {name} ({path})", name=host.stepper.scenario.name, path=host.stepper.scenario.path))

    # --- save ------------------------------------------------------------------------------
    def _home(self) -> Path:
        """Where new files go by default: the served folder, or the working folder."""
        return self.root.folder if self.root is not None else Path.cwd()

    def _writable(self, path: Path | None) -> bool:
        """May ``path`` (the scenario's own file) be written in place?"""
        return path is not None and not is_bundled(path) and (self.root is None or self.root.contains(path))

    def action_save(self) -> None:
        path = self.host.stepper.scenario.path
        if path is None or is_bundled(path):
            self.action_save_as(why="bundled scenarios are read-only: choose where to save a copy")
            return
        if not self._writable(path):
            self.action_save_as(why="this file is outside the folder this session may use: save a copy inside it")
            return
        self.save_to(path)

    def action_save_as(self, why: str = "", typed: str | None = None, error: str = "") -> None:
        """The save dialog; ``typed`` and ``error``: it opens again with a path it refused."""
        from tui.screens.save_screen import SaveScreen

        path = self.host.stepper.scenario.path
        stem = path.stem if path else "scenario"
        default = str(path) if self._writable(path) else str(self._home() / f"{stem}.yaml")
        self.host.ask(SaveScreen(default if typed is None else typed, why, error, root=self.root), self._save_chosen)

    def _save_chosen(self, target: str | None) -> None:
        from core.scenario.save import plan_save

        host = self.host
        if not target:
            host.say(tr("save cancelled"))
            return
        if self.root is not None:
            try:
                target = str(self.root.inside(target))
            except CnnTuiError as err:
                host.say(tr("not saved: {reason}", reason=err), error=True)
                self.action_save_as(typed=target, error=tr("not saved: {reason}", reason=err))
                return
        if self._missing_folder(target, lambda: self._save_chosen(target),
                                lambda: self.action_save_as(typed=target, error=tr("not saved: no folder created"))):
            return
        try:  # a bad target (too long, a FIFO, a folder, the sample file…) is told now, before any question
            checked = plan_save(host.stepper.current_scenario(), target).target
        except CnnTuiError as err:  # said, and the dialog opens again with the path as typed
            host.say(tr("not saved: {reason}", reason=err), error=True)
            self.action_save_as(typed=target, error=tr("not saved: {reason}", reason=err))
            return
        path, current = checked.given, host.stepper.scenario.path
        if checked.exists and (current is None or checked.path != current.resolve()):
            host.confirm_if_edited(tr("{path} exists. Overwrite it?", path=checked.shown), lambda: self.save_to(path),
                                   always=True)
            return
        self.save_to(path)

    def _missing_folder(self, target: str, created: Callable[[], None], declined: Callable[[], None]) -> bool:
        """True if ``target``'s folder does not exist: then ask whether to create it, and go on
        with ``created`` (once it exists) or ``declined``; False when there is nothing to ask."""
        from core.os_reason import os_reason
        from core.scenario.targets import quote_path

        try:
            folder = Path(target).expanduser().parent
            if folder.exists() or any(p.exists() and not p.is_dir() for p in folder.parents):
                return False  # there, or not creatable (a file on the way): the check says why
        except (OSError, RuntimeError, ValueError):
            return False
        host = self.host

        def answered(create: bool | None) -> None:
            if not create:
                host.say(tr("the folder {path} was not created: nothing written", path=quote_path(str(folder))),
                         error=True)
                declined()
                return
            try:
                folder.mkdir(parents=True)
            except OSError as err:
                host.say(tr("could not create the folder {path}: {reason}", path=quote_path(str(folder)),
                            reason=os_reason(err)), error=True)
                declined()
                return
            host.say(tr("created the folder {path}", path=quote_path(str(folder))))
            created()

        from tui.screens.confirm_screen import ConfirmScreen

        host.ask(ConfirmScreen(tr("The folder {path} does not exist. Create it?", path=quote_path(str(folder)))),
                 answered)
        return True

    def save_to(self, path: Path) -> None:
        """Save the current parameters and samples (in a thread); errors are shown, nothing half-written."""
        from core.scenario.save import Saved, write_scenario

        host = self.host
        if self.busy:
            host.say(tr("{busy} — a moment", busy=self.busy), error=True)
            return
        state = host.stepper.state
        scenario = host.stepper.current_scenario()

        def done(saved: object) -> None:
            assert isinstance(saved, Saved)
            self.last_saved = saved
            host.stepper.scenario.path = saved.path
            if host.stepper.state is state:  # nothing changed meanwhile (the keys that could, waited)
                # the samples now come from the npz files the saved file names (as if it were loaded):
                # set before mark_saved, whose recovery journal starts afresh from the files' digest
                host.stepper.adopt_sample_files({name: (f.file, f.source) for name, f in saved.sample_files.items()})
                host.stepper.mark_saved()
            host.refresh_view()
            host.say("; ".join([tr("saved to {path}", path=saved.path), *saved.notes]))

        def failed(err: BaseException) -> None:
            host.say(tr("not saved: {reason}", reason=problem(err)), error=True)

        self._run(tr("saving to {path}", path=path), partial(write_scenario, scenario, path, self.last_saved), done,
                  failed)

    # --- export ----------------------------------------------------------------------------
    def action_export(self) -> None:
        from core.exports.formats import export_text

        host = self.host
        try:
            export_text(host.stepper, "markdown")
        except Exception as err:
            host.say(tr("nothing to export yet — {key} completes the iteration ({problem})",
                        key=key_for("run_iteration"), problem=problem(err)), error=True)
            return
        from tui.screens.export_screen import ExportScreen

        host.ask(ExportScreen(self._export_default(), self._export_note(), root=self.root), self._export_chosen)

    def _export_note(self) -> str:
        from tui.widgets.derivation.derivation_view import decimals_words

        rounding = self.host.stepper.hand_rounding
        notes = [] if rounding is None else [tr("hand-rounding is on ({decimals}): the export says so",
                                                    decimals=decimals_words(rounding))]
        if self.host.app.is_web:
            notes.append(tr("your browser downloads the file: only its name is used"))
        return "; ".join(notes)

    def _export_again(self, fmt_name: str, typed: str, error: str) -> None:
        from tui.screens.export_screen import ExportScreen

        self.host.ask(ExportScreen(self._export_default(), self._export_note(), error=error, fmt=fmt_name,
                                   typed=typed, root=self.root), self._export_chosen)

    def _export_default(self) -> Path:
        path = self.host.stepper.scenario.path
        folder = path.resolve().parent if self._writable(path) and path else self._home()
        stem = path.stem if path else "scenario"
        return folder / f"{stem}-iteration-{self.host.stepper.iteration}.md"

    def _export_chosen(self, choice: tuple[str, str] | None) -> None:
        from core.scenario.save import source_files
        from core.scenario.targets import check_target

        host = self.host
        if choice is None:
            host.say(tr("export cancelled"))
            return
        fmt_name, target = choice
        if self.host.app.is_web:  # nothing is written on the server: the browser downloads it
            self.deliver(fmt_name, Path(target).name or self._export_default().name)
            return
        if self.root is not None:
            try:
                target = str(self.root.inside(target))
            except CnnTuiError as err:
                host.say(tr("not exported: {reason}", reason=err), error=True)
                self._export_again(fmt_name, target, tr("not exported: {reason}", reason=err))
                return
        if self._missing_folder(target, lambda: self._export_chosen(choice),
                                lambda: self._export_again(fmt_name, target, tr("not exported: no folder created"))):
            return
        try:  # a bad target is told now, before any question
            checked = check_target(target, reads=source_files(host.stepper.scenario))
        except CnnTuiError as err:  # said, and the dialog opens again with the file as typed
            host.say(tr("not exported: {reason}", reason=err), error=True)
            self._export_again(fmt_name, target, tr("not exported: {reason}", reason=err))
            return
        path = checked.given
        if checked.exists:
            host.confirm_if_edited(tr("{path} exists. Overwrite it?", path=checked.shown),
                                   lambda: self.export_to(fmt_name, path),
                                   always=True)
            return
        self.export_to(fmt_name, path)

    def deliver(self, fmt_name: str, name: str) -> None:
        """The export as a download in the browser (served), named ``name``."""
        from io import StringIO

        from core.exports.formats import export_text
        from core.scenario.targets import quote_path
        from tui.screens.export_screen import format_name

        host = self.host
        try:
            text = export_text(host.stepper, fmt_name)
        except Exception as err:
            host.say(tr("not exported: {reason}", reason=problem(err)), error=True)
            return
        host.app.deliver_text(StringIO(text), save_filename=name, mime_type=MIME_TYPES[fmt_name])
        host.say(tr("exported iteration {n} as {format}: your browser downloads {name}", n=host.stepper.iteration,
                    format=format_name(fmt_name), name=quote_path(name)))

    def export_to(self, fmt_name: str, path: Path) -> None:
        """The text is made here (from the stepper as it stands), written in a thread."""
        from core.exports.formats import export_text, write_atomically
        from core.scenario.save import source_files
        from tui.screens.export_screen import format_name

        host = self.host
        if self.busy:
            host.say(tr("{busy} — a moment", busy=self.busy), error=True)
            return
        try:
            text = export_text(host.stepper, fmt_name)
        except Exception as err:
            host.say(tr("not exported: {reason}", reason=problem(err)), error=True)
            return
        iteration = host.stepper.iteration
        reads = source_files(host.stepper.scenario)

        def done(written: object) -> None:
            assert isinstance(written, Path)
            host.say(tr("exported iteration {n} as {format} to {path}", n=iteration, format=format_name(fmt_name),
                        path=written.resolve()))

        def failed(err: BaseException) -> None:
            host.say(tr("not exported: {reason}", reason=problem(err)), error=True)

        self._run(tr("exporting to {path}", path=path), partial(write_atomically, path, text, reads=reads), done,
                  failed)
