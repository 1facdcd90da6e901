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
