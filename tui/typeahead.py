"""Keys typed ahead of a dialog go to the dialog or are dropped; they never run as commands.

A key's binding is looked up only once the key has travelled from the focused widget up
to the app, and by then the screen it was typed on may have changed: ``S`` then ``foo``
typed at once opened the save dialog and then ran ``f`` (forward) on the main screen, and
a confirm dialog could be answered by the ``n`` of a path typed for the dialog after it.
So the app notes the screen each key was typed on and drops a key when

- it is looked up on another screen than the one it was typed on;
- it was typed while a dialog was still being put on screen (nothing of it was visible);
- it was typed, or is looked up, between a dialog's answer and the end of what the answer
  does (which may open the next dialog): the keys then belong to no screen.

A dialog answered but whose answer never finishes (a bug) holds keys for ``HOLD_LIMIT``
seconds at most, so no mistake can leave the app deaf.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from weakref import WeakKeyDictionary

from textual import events
from textual.screen import Screen

AnyScreen = Screen[Any]  # whatever a screen dismisses with
HOLD_LIMIT = 5.0  # seconds a dialog's answer may hold the keys


class TypeAhead:
    """Which screen each key was typed on, and the dialogs whose answer is being handled."""

    def __init__(self, stack: Callable[[], list[AnyScreen]]) -> None:
        self.stack = stack  # the app's screen stack, as it stands
        self._typed_on: WeakKeyDictionary[events.Key, AnyScreen] = WeakKeyDictionary()
        self._asked: dict[AnyScreen, float | None] = {}  # dialog → when its answer was first seen
        self.dropped = 0  # keys dropped so far (the tests read it)

    # --- dialogs -------------------------------------------------------------------
    def asking(self, dialog: AnyScreen) -> None:
        """``dialog`` is being pushed; its answer will be handled by the one who asked."""
        self._asked[dialog] = None

    def answered(self, dialog: AnyScreen) -> None:
        """What ``dialog``'s answer does has finished."""
        self._asked.pop(dialog, None)

    def holding(self) -> bool:
        """Is a dialog's answer being handled (the dialog gone, what it does not yet done)?"""
        stack = self.stack()
        now = time.monotonic()
        for dialog, since in list(self._asked.items()):
            if dialog in stack:
                continue
            if since is None:
                self._asked[dialog] = now
            elif now - since > HOLD_LIMIT:
                del self._asked[dialog]
                continue
            return True
        return False

    # --- keys ------------------------------------------------------------------------
    def arrived(self, key: events.Key, screen: AnyScreen, main: AnyScreen) -> bool:
        """A key just typed on ``screen`` (the active one): False drops it now."""
        if self.holding() or (screen is not main and not screen.is_mounted):
            self.dropped += 1
            return False
        self._typed_on[key] = screen
        return True

    def stale(self, key: events.Key, screen: AnyScreen) -> bool:
        """Is the key, about to be looked up on ``screen``, typed for another screen?"""
        typed = self._typed_on.get(key)
        if self.holding() or (typed is not None and typed is not screen):
            self.dropped += 1
            return True
        return False
