"""Trace: the selected value's precedents (what its formula reads) or its dependents (what
reads it), marked across the panels and named in the derivation panel.

Which values are linked is core's (``core.explain.trace``); this feature only keeps the
direction the learner chose and hands the marks to the panels.
"""

from __future__ import annotations

import time
from functools import partial
from typing import ClassVar

from textual.worker import Worker

from core.errors import CnnTuiError
from core.explain.trace import ReaderIndex, Trace, precedents
from core.i18n import tr
from tui.bindings import key_for
from tui.features.base import Feature

DIRECTIONS = ("reads", "read by", "off")  # the key cycles through them
BACKGROUND = 5_000  # values to read before "what reads it" is found in the background
REST = 0.002  # seconds the finding thread rests after every few hundred formulas


class TraceFeature(Feature):
    """``d``: what the selected value reads → what reads it → no trace."""

    ACTIONS: ClassVar[frozenset[str]] = frozenset({"trace_direction"})

    direction = "reads"
    _held: tuple[str, str] | None = None
    _held_state: object = None
    _trace: Trace | None = None
    _busy: Worker[None] | None = None  # the thread finding what reads a value
    _wanted: tuple[ReaderIndex, str]  # what it should find next (the latest request)

    def current(self) -> Trace | None:
        """The trace of the selected value in the chosen direction (None: off, nothing
        selected, still being found, or a value the trace does not know)."""
        host = self.host
        name = host.selected
        if self.direction == "off" or not name:
            return None
        key = (name, self.direction)
        state = host.stepper.state  # compared by identity: a state holds arrays
        if self._held != key or self._held_state is not state:
            self._trace = None
            self._held, self._held_state = key, state
            try:
                if self.direction == "reads":
                    self._trace = precedents(host.stepper, name)
                else:
                    index = ReaderIndex.of(host.stepper)
                    if self._busy is not None or index.unindexed(name) > BACKGROUND:
                        self._find_later(index, name)  # a large network: the screen does not wait
                    else:
                        self._trace = index.dependents(name)
            except CnnTuiError:
                self._trace = None
        return self._trace

    def finding(self) -> bool:
        """Is a trace being found in the background?"""
        return self._busy is not None

    def _find_later(self, index: ReaderIndex, name: str) -> None:
        """Find what reads ``name`` in a thread. One runs at a time: a newer request only
        changes what is wanted, and the running one (which fills the same index) goes on."""
        host = self.host
        host.say(tr("finding every value that reads {name}…", name=name))
        self._wanted = (index, name)
        if self._busy is not None:
            return

        def find() -> None:
            while True:
                wanted_index, wanted = self._wanted
                try:
                    trace = wanted_index.dependents(wanted, stop=partial(self._rest_or_stop, wanted_index))
                except Exception:  # noqa: BLE001 - a trace that cannot be found is simply not shown
                    trace = None
                if self._wanted == (wanted_index, wanted) or self._stale(wanted_index):
                    break
            self._busy = None
            if not self._stale(wanted_index):
                host.app.call_from_thread(self._found, wanted_index, wanted, trace)

        self._busy = host.run_worker(find, thread=True, group="trace")

    def _rest_or_stop(self, index: ReaderIndex) -> bool:
        """Asked now and then by the thread: it rests a moment (the screen keeps the GIL
        often enough to stay quick), and stops when the learner has moved on."""
        time.sleep(REST)
        busy = self._busy
        return self._stale(index) or (busy is not None and busy.is_cancelled)  # cancelled: the app is ending

    def _stale(self, index: ReaderIndex) -> bool:
        """The learner has moved on: another state, or no longer asking what reads a value."""
        return self.direction != "read by" or self.host.stepper.state is not index.state

    def _found(self, index: ReaderIndex, name: str, trace: Trace | None) -> None:
        """A trace found in the background: shown if the selection and the state are still its own."""
        host = self.host
        if (self.direction, host.selected, host.stepper.state) != ("read by", name, index.state) or trace is None:
            if self.direction == "read by" and host.selected and host.stepper.state is index.state:
                self._held = None  # the selection moved meanwhile: its own trace, now from a filled index
                host.refresh_marks()
            return
        self._trace = trace
        host.refresh_marks()
        host.say(tr("trace: every value that reads it ({n} marked; {key}: trace off)", n=len(trace.links),
                    key=key_for("trace_direction")))

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
            host.say(tr("trace off ({key}: show what the selected value reads)", key=key))
            return
        trace = self.current()
        if trace is None and self.direction == "read by" and self.finding():
            return  # being found: "finding every value that reads …" stays until it is
        count = len(trace.links) if trace is not None else 0
        if self.direction == "reads":
            host.say(tr("trace: what the selected value reads ({n} marked; {key}: what reads it)", n=count, key=key))
        else:
            host.say(tr("trace: every value that reads it ({n} marked; {key}: trace off)", n=count, key=key))
