"""Crash recovery in the TUI: journal the session as it goes, offer to restore it at launch.

``Recovery.after_change`` is called by the main screen after every change it shows (its
``session_changed``). The first call for a stepper starts this process's journal for the
scenario and records every Stepper command from then on (``core.engine.journal``); each
call also writes the app's own state when it changed (display decimals, quiz progress).
If the same scenario left a journal behind (a crash, a killed terminal, a dropped SSH
connection), a dialog offers to restore it. A clean quit deletes the journal; a save
starts a fresh one from the saved file. A journal that cannot be written costs one
message, and the session goes on without it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from core.engine import journal
from core.engine.journal import Entry, Found, JournalError, JournalWriter
from core.engine.stepper import Stepper
from core.errors import CnnTuiError
from core.i18n import tr, tr_n
from core.text import minute_text, quote

if TYPE_CHECKING:
    from tui.screens.main_screen import MainScreen


class Recovery:
    """This session's journal: started per stepper, written after each change, offered at launch."""

    def __init__(self, host: MainScreen) -> None:
        self.host = host
        self.writer: JournalWriter | None = None
        self.stepper: Stepper | None = None
        self.off = False  # a write failed: journaling stops for this session, said once
        self.replaying = False
        self._decimals: int | None = None
        self._quiz: tuple[Any, ...] | None = None
        self._last_op: str | None = None  # the op of the journal's last line

    # --- the hook ---------------------------------------------------------------------
    def after_change(self) -> None:
        """Called after every change the app shows: start journaling a new stepper, write
        the app's own state if it changed. Never raises."""
        host = self.host
        if host.stepper is not self.stepper:
            self._begin(host.stepper)
        if self.writer is None:
            return
        if host.decimals != self._decimals:
            self._decimals = host.decimals
            self._write({"op": "decimals", "value": host.decimals})
        quiz, number = host.quiz_mode.quiz, host.quiz_mode.number
        signature = None if quiz is None else (id(quiz), tuple(quiz.pending), quiz.right, quiz.asked, number)
        if signature != self._quiz:
            self._quiz = signature
            self._write({"op": "quiz", "active": False} if quiz is None else
                        {"op": "quiz", "active": True, "layer": quiz.layer, "kinds": quiz.kinds,
                         "pending": list(quiz.pending), "right": quiz.right, "asked": quiz.asked,
                         "number": number})

    def disable(self) -> None:
        """No journal for this session, and none offered: a served session's tabs all run as the
        server's user, so one student's unsaved session must never be offered to the next."""
        self.off = True

    def forget(self) -> None:
        """A clean quit: the session is saved or deliberately left, so its journal goes."""
        if self.writer is not None:
            self.writer.close(delete=True)
            self.writer = None

    def close(self) -> None:
        """The app is ending some other way: keep the journal (unlocked) for the next launch."""
        if self.writer is not None:
            self.writer.close(delete=False)
            self.writer = None

    # --- journaling -------------------------------------------------------------------
    def _begin(self, stepper: Stepper) -> None:
        """A new session (launch or open): a fresh journal, and any left behind offered."""
        self.forget()  # opening another scenario was confirmed: the old session is left
        self.stepper = stepper
        self._decimals, self._quiz = stepper.scenario.decimals, None
        key = self._key(stepper)
        if key is None or self.off:
            return
        digest = journal.scenario_digest(stepper.scenario)
        try:
            found = journal.offer(key, digest)
        except JournalError as err:  # no state folder at all (no home folder)
            self._fail(err)
            return
        if not self._start(key, digest):
            return
        journal.record_commands(stepper, self._record)
        self._offer(found, stepper)

    def _key(self, stepper: Stepper) -> str | None:
        from tui.features.files import is_bundled

        path = stepper.scenario.path
        return None if path is None else journal.scenario_key(path, is_bundled(path))

    def _start(self, key: str, digest: str) -> bool:
        try:
            self.writer = JournalWriter(key, digest)
        except JournalError as err:
            self._fail(err)
            return False
        return True

    def _record(self, entry: Entry) -> None:
        """A Stepper command succeeded: one line (a save starts the journal afresh)."""
        if entry["op"] == journal.SAVED and not self.replaying and self.stepper is not None:
            self._rebase(self.stepper)
            return
        training = self.host.training.running
        if entry["op"] == "undo" and self._last_op == "adopt" and training and self.writer is not None:
            try:  # training replaces its last snapshot: one result per run in the journal
                self.writer.retract()
            except JournalError as err:
                self._stop(err)
            self._last_op = None
            return
        self._write(entry)

    def _rebase(self, stepper: Stepper) -> None:
        """After a save: a new journal from the saved file, reaching the current state."""
        key = self._key(stepper)
        self.forget()
        if key is None or self.off:
            return
        if self._start(key, journal.scenario_digest(stepper.scenario)):
            for entry in journal.rebase_entries(stepper):
                self._write(entry)
            self._decimals, self._quiz = stepper.scenario.decimals, None  # rewritten by after_change

    def _write(self, entry: Entry) -> None:
        if self.writer is None:
            return
        try:
            self.writer.append(entry)
        except JournalError as err:
            self._stop(err)
            return
        self._last_op = entry.get("op")

    def _stop(self, err: JournalError) -> None:
        """Writing failed: keep what was written (it restores up to there) and stop."""
        if self.writer is not None:
            self.writer.close(delete=False)
            self.writer = None
        self._fail(err)

    def _fail(self, err: CnnTuiError) -> None:
        self.off = True
        self.host.call_after_refresh(self.host.say, tr("{reason}: unsaved work will not be recoverable after a "
                                                       "crash; the session goes on", reason=err), True)

    # --- restoring ----------------------------------------------------------------------
    def _offer(self, found: journal.Offer, stepper: Stepper) -> None:
        usable, stale = found.usable, found.stale
        if not usable:
            if stale:
                kept = [journal.set_aside(f) for f in stale]
                self.host.call_after_refresh(
                    self.host.say, tr("a recovery journal from {when} is for an earlier version of this file: not "
                                      "restored (kept as {name} in {folder})", when=minute_text(stale[0].modified),
                                      name=kept[0].name, folder=quote(str(kept[0].parent))), True)
            return
        newest, older = usable[0], usable[1:]

        def chosen(restore: bool | None) -> Any:
            # older sessions are never offered again, but kept on disk: a choice about the
            # newest one must not delete another session's work
            kept = [journal.set_aside(f) for f in older]
            if restore:
                return self.restore(newest, [newest.path])
            journal.remove([newest.path])
            also = (tr_n(" ({n} older one kept in {folder})", " ({n} older ones kept in {folder})", len(kept),
                         folder=quote(str(kept[0].parent))) if kept else "")
            self.host.say(tr("discarded the unsaved session from {when}{also}", when=minute_text(newest.modified),
                             also=also))
            return None

        from tui.screens.restore_screen import RestoreScreen  # only when a journal was left behind

        self.host.call_after_refresh(self.host.app.push_screen, RestoreScreen(newest, stepper.scenario.name), chosen)

    async def restore(self, found: Found, paths: list[Any]) -> None:
        """Replay the journal onto the fresh stepper (so its commands are journaled again here),
        then put the screen's own state back: decimals and the quiz."""
        host = self.host
        self.replaying = True
        try:
            done = journal.replay(host.stepper, found.entries)
        finally:
            self.replaying = False
        view = done.view
        decimals = view.get("decimals", {}).get("value")
        if isinstance(decimals, int) and 0 <= decimals <= 10:
            host.decimals = decimals
        host.fresh = set()
        host.refresh_view()
        if done.failed is None:
            journal.remove(paths)
        else:  # what could not be replayed is kept on disk for the user, and not offered again
            journal.set_aside(found)
            journal.remove([path for path in paths if path != found.path])
        if host.selected:
            host.select(host.selected)
        quiz_entry = view.get("quiz")
        said = ""
        if quiz_entry and quiz_entry.get("active"):
            said = await self._resume_quiz(quiz_entry)
        count = found.changes if done.failed is None else done.applied
        note = tr(" — stopped early at {at}", at=done.failed) if done.failed else ""
        host.say(tr_n("restored the session from {when}: {n} change{said}{note} · next: {next}",
                      "restored the session from {when}: {n} changes{said}{note} · next: {next}", count,
                      when=minute_text(found.modified), said=said, note=note, next=host.stepper.phase().next_words()),
                 error=bool(done.failed))

    async def _resume_quiz(self, entry: Entry) -> str:
        from core.learner.quiz import Quiz
        from tui.widgets.quiz.quiz_text import score_text

        host = self.host
        try:
            quiz = Quiz.resume(host.stepper, entry.get("layer"), str(entry.get("kinds", "all")),
                               list(entry.get("pending", [])), int(entry.get("right", 0)), int(entry.get("asked", 0)))
        except (CnnTuiError, KeyError, TypeError, ValueError):
            return tr(" (the quiz could not be resumed)")
        if quiz.finished:
            return ""
        await host.quiz_mode.resume(quiz, int(entry.get("number", 1)))
        return tr(", quiz resumed at {score}", score=score_text(quiz))
