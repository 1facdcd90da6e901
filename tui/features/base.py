"""The shape every feature of the main screen has."""

from __future__ import annotations

from typing import ClassVar

from tui.host import StepHost


class Feature:
    """A part of the main screen that owns some keys of ``tui.bindings.KEYS``.

    The screen binds every key to its dispatcher, which calls ``action_<name>`` on the
    feature listing the action in ``ACTIONS``. ``available`` says whether a key applies
    now (the key bar hides it otherwise); ``blocks`` lets a running feature (a quiz,
    training) hold back the keys of the others, with the reason to show.
    """

    ACTIONS: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, host: StepHost) -> None:
        self.host = host

    def available(self, action: str) -> bool:
        """Does ``action`` (one of ``ACTIONS``) apply now?"""
        return True

    def blocks(self, action: str) -> str | None:
        """Why ``action`` (any feature's) must wait while this feature runs; None if it need not."""
        return None
