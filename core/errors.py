"""Typed errors a user can cause; each carries one clear message and never a traceback."""

from __future__ import annotations

from core.i18n import mark, tr

UNNAMED = mark("<scenario>")  # where a scenario given as text (no file) is said to be


class CnnTuiError(Exception):
    """Base class of every error shown to a user as a single message."""


class UsageError(CnnTuiError):
    """The command was asked for in a way it does not take (an unknown option's value)."""


class ScenarioError(CnnTuiError):
    """A scenario file (or data given for one) is invalid.

    The message names the file, the line and the field, and says what was expected.
    """

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None,
                 field: str | None = None) -> None:
        self.file = file
        self.line = line
        self.field = field
        self.reason = message
        super().__init__(self._compose())

    def _compose(self) -> str:
        where = tr(UNNAMED) if self.file in (None, UNNAMED) else self.file
        if self.line is not None:
            where += f":{self.line}"
        field = f" {self.field}:" if self.field else ""
        return f"{where}:{field} {self.reason}"


class StepError(CnnTuiError):
    """A stepping command does not apply in the current phase (the message says why).

    ``then`` names what the learner can do instead, as actions (``"undo"``, ``"reset"``,
    ``"step_forward"``): the engine says what comes next, a user interface adds its keys.
    """

    def __init__(self, message: str, *, then: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.then = then


class EditError(CnnTuiError):
    """An edit of a value was refused (not a number, not editable, out of range)."""


class QuantityError(CnnTuiError):
    """A quantity name does not exist in this network or is not computed yet."""


class SaveError(CnnTuiError):
    """A file was not written: its target was refused, or writing it failed.

    Whatever was at the target before is left exactly as it was. ``file`` is the target
    as shown to the user (already bounded, see ``core.text.quote``).
    """

    def __init__(self, reason: str, *, file: str | None = None) -> None:
        self.file = file
        self.reason = reason
        super().__init__(f"{file}: {reason}" if file else reason)


class TrainingDiverged(CnnTuiError):
    """Training blew up: a loss or a parameter stopped being a finite number of sane size.

    Raised by the iteration that would have produced it, before its update is applied, so
    the parameters stay those of the last good iteration. ``epoch`` counts the epochs of
    this run from 1, ``iteration`` is the stepper's iteration number; ``what`` says what
    blew up (``the loss overflowed to ∞``) and ``value`` is the loss that iteration had.
    The message (composed by the engine, which writes the numbers) says all that and what
    to try.
    """

    def __init__(self, message: str, *, epoch: int, iteration: int, what: str, value: float) -> None:
        self.epoch = epoch
        self.iteration = iteration
        self.what = what
        self.value = value
        super().__init__(message)
