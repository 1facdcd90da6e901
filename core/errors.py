"""Typed errors a user can cause; each carries one clear message and never a traceback."""

from __future__ import annotations


class CnnTuiError(Exception):
    """Base class of every error shown to a user as a single message."""


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
        where = self.file or "<scenario>"
        if self.line is not None:
            where += f":{self.line}"
        field = f" {self.field}:" if self.field else ""
        return f"{where}:{field} {self.reason}"


class StepError(CnnTuiError):
    """A stepping command does not apply in the current phase (the message says why)."""


class EditError(CnnTuiError):
    """An edit of a value was refused (not a number, not editable, out of range)."""


class QuantityError(CnnTuiError):
    """A quantity name does not exist in this network or is not computed yet."""


class TrainingDiverged(CnnTuiError):
    """Training blew up: a loss or a parameter stopped being a finite number of sane size.

    Raised by the iteration that would have produced it, before its update is applied, so
    the parameters stay those of the last good iteration. ``epoch`` counts the epochs of
    this run from 1, ``iteration`` is the stepper's iteration number; ``what`` says what
    blew up (``the loss overflowed to ∞``) and ``value`` is the loss that iteration had.
    """

    def __init__(self, *, epoch: int, iteration: int, what: str, value: float, learning_rate: float) -> None:
        self.epoch = epoch
        self.iteration = iteration
        self.what = what
        self.value = value
        self.learning_rate = learning_rate
        super().__init__(self._compose())

    def _compose(self) -> str:
        from core.numbers import fmt

        rate = self.learning_rate
        return (f"training diverged in epoch {self.epoch} at iteration {self.iteration}: {self.what}; "
                f"try a smaller learning_rate than {fmt(rate, None)} (e.g. {fmt(float(f'{rate / 10:.2g}'), None)})")
