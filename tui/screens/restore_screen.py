"""The dialog that offers, at launch, to restore a session a crash left behind
(``tui.recovery``): imported only when a journal is found, so the first frame of an
ordinary launch does not load it."""

from __future__ import annotations

from textual.binding import Binding

from core.engine.journal import Found
from core.i18n import mark, tr, tr_n
from core.text import minute_text, quote
from tui.screens.confirm_screen import ConfirmScreen


class RestoreScreen(ConfirmScreen, inherit_bindings=False):
    """"Restore the unsaved session from <time>? (n changes)": True restores, False discards."""

    BINDINGS = [Binding("r", "answer(True)", mark("restore")), Binding("d", "answer(False)", mark("discard"))]
    YES = (mark("Restore (r)"), "primary")
    NO = (mark("Discard (d)"), "warning")
    FOCUS = "yes"

    def __init__(self, found: Found, name: str) -> None:
        count = found.changes
        super().__init__(tr_n("Restore the unsaved session from {when}? ({n} change)",
                              "Restore the unsaved session from {when}? ({n} changes)", count,
                              when=minute_text(found.modified)),
                         hint=tr("{name} was left without saving (a crash, a closed terminal or a lost connection). "
                                 "Restore replays it exactly; discard starts from the file.", name=quote(name)))
        self.found = found
        self.scenario_name = name
