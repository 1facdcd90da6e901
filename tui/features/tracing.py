"""Trace: the selected value's precedents (what its formula reads) or its dependents (what
reads it), marked across the panels and named in the derivation panel.

Which values are linked is core's (``core.explain.trace``); this feature only keeps the
direction the learner chose and hands the marks to the panels.
"""

from __future__ import annotations

from typing import ClassVar

from core.errors import CnnTuiError
from core.explain.trace import Trace, dependents, precedents
from tui.bindings import key_for
from tui.features.base import Feature

DIRECTIONS = ("reads", "read by", "off")  # the key cycles through them


class TraceFeature(Feature):
    """``d``: what the selected value reads → what reads it → no trace."""

    ACTIONS: ClassVar[frozenset[str]] = frozenset({"trace_direction"})

    direction = "reads"
    _held: tuple[str, str] | None = None
    _held_state: object = None
    _trace: Trace | None = None

    def current(self) -> Trace | None:
        """The trace of the selected value in the chosen direction (None: off, nothing
        selected, or a value the trace does not know)."""
        host = self.host
        name = host.selected
        if self.direction == "off" or not name:
            return None
        key = (name, self.direction)
        state = host.stepper.state  # compared by identity: a state holds arrays
        if self._held != key or self._held_state is not state:
            try:
                find = precedents if self.direction == "reads" else dependents
                self._trace = find(host.stepper, name)
            except CnnTuiError:
                self._trace = None
            self._held, self._held_state = key, state
        return self._trace

    def marks(self) -> dict[str, str]:
        """Role of every marked value by name (hidden values of a quiz stay unmarked)."""
        trace = self.current()
        if trace is None:
            return {}
        hidden = self.host.quiz_hidden()
        return {link.name: link.role for link in trace.links if link.name not in hidden}

    def action_trace_direction(self) -> None:
        host = self.host
        self.direction = DIRECTIONS[(DIRECTIONS.index(self.direction) + 1) % len(DIRECTIONS)]
        host.refresh_view()
        key = key_for("trace_direction")
        if self.direction == "off":
            host.say(f"trace off ({key}: show what the selected value reads)")
            return
        trace = self.current()
        count = len(trace.links) if trace is not None else 0
        what = "what the selected value reads" if self.direction == "reads" else "every value that reads it"
        host.say(f"trace: {what} ({count} marked; {key}: "
                 f"{'what reads it' if self.direction == 'reads' else 'trace off'})")
