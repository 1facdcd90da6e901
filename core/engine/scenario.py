"""The scenario: a network, its parameters, its samples and its settings (contract §1).

This module holds the data model; ``scenario_load`` reads and validates files and
``scenario_save`` writes them back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from core.engine.network import Network
from core.i18n import tr
from core.nn.optim import DEFAULT as DEFAULT_OPTIMIZER
from core.nn.optim import OptimizerConfig, OptimizerState

FORMAT = 1
DEFAULT_DECIMALS = 3
INITS = ("xavier", "he", "uniform", "zeros")


class Expected(NamedTuple):
    """A learner's hand value; written with ``decimals`` places it matches within 10^−decimals.

    ``iteration`` is the iteration it was worked for: 1 for a file's values (the file's own
    parameters), the current one for an answer typed in the TUI. It is checked only there.
    """

    value: float
    decimals: int
    text: str
    iteration: int = 1

    @property
    def tolerance(self) -> float:
        return 10.0 ** (-self.decimals)

    def matches(self, actual: float) -> bool:
        # a little slack for the binary representation of the written decimal
        return abs(actual - self.value) <= self.tolerance * (1 + 1e-9)


def epoch_length(count: int, batch_size: int) -> int:
    """Iterations in one epoch: every one of ``count`` samples once, the last batch wrapping."""
    return -(-count // batch_size)


def batch_indices(iteration: int, batch_size: int, count: int) -> list[int]:
    """The samples iteration k uses: (k−1)·B + j mod S, j = 0…B−1 (one cursor that wraps)."""
    return [((iteration - 1) * batch_size + j) % count for j in range(batch_size)]


class Exercise(NamedTuple):
    """A student's copy of an exercise (``exercise:`` in the file): who it is for, the
    values to work out, and whether the exact values of those may be shown (``reveal``:
    ``always`` for practice; otherwise the tool hides them until the teacher grades)."""

    id: str
    ask: tuple[str, ...]
    reveal: str = "after"

    @property
    def hides(self) -> bool:
        """Must the exact values of the asked values stay hidden?"""
        return self.reveal != "always"


REVEALS = ("after", "never", "always")
MAX_ID = 64
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
_RESERVED_IDS = ("key",)  # DIR/key.yaml is the teacher's


def student_id_problem(text: str) -> str | None:
    """Why ``text`` cannot be a student id, or None. An id becomes a file name (``ID.yaml``),
    so it is letters, digits, ``_``, ``.`` and ``-`` only, starts with a letter or digit, is at
    most MAX_ID characters, and is not ``key`` (the teacher's file)."""
    if not text:
        return tr("an id cannot be empty")
    if len(text) > MAX_ID:
        return tr("an id has at most {most} characters (this one has {n:,})", most=MAX_ID, n=len(text))
    if not _ID.fullmatch(text):
        return tr("an id becomes a file name: use letters, digits, '_', '.' and '-' only, starting with a "
                  "letter or digit (no spaces, slashes or other characters)")
    if text.lower() in _RESERVED_IDS or text.endswith("."):
        return tr("'{id}' cannot be an id: it would clash with the teacher's files", id=text)
    return None


@dataclass
class SampleSet:
    """Samples in file order: inputs ``x[S, *input]``, targets ``y[S, outputs]``.

    ``labels`` keeps, per sample, the class index it was written with (−1 where the file
    gave a target vector), so saving writes each sample back the way it came. ``file`` is
    the npz path as written, when the samples came from one.
    """

    x: np.ndarray
    y: np.ndarray
    labels: np.ndarray | None = None
    file: str | None = None
    source: Path | None = None  # the npz file's full path, to write ``file`` relative to a new place

    def __len__(self) -> int:
        return int(self.x.shape[0])

    @property
    def is_classification(self) -> bool:
        """One-hot targets (or labels) mean accuracy is meaningful."""
        y = self.y
        return bool(y.shape[1] > 1 and np.all((y == 0) | (y == 1)) and np.all(y.sum(axis=1) == 1))


@dataclass
class Scenario:
    """Everything a scenario file says, validated, with every parameter filled in."""

    name: str
    input_shape: tuple[int, ...]
    layer_specs: list[dict[str, Any]]
    params: dict[str, dict[str, np.ndarray]]
    samples: SampleSet
    loss: str
    learning_rate: float
    network: Network
    description: str = ""
    batch_size: int = 1
    seed: int | None = None
    init: str | None = None
    decimals: int = DEFAULT_DECIMALS
    expected: dict[str, Expected] = field(default_factory=dict)
    test_samples: SampleSet | None = None
    path: Path | None = None
    initialised: frozenset[str] = frozenset()  # parameters the file left out, drawn from the seed
    optimizer: OptimizerConfig = DEFAULT_OPTIMIZER
    optimizer_state: OptimizerState = OptimizerState()  # updates already taken and the buffers they left
    exercise: Exercise | None = None  # a student's copy of a teacher's exercise
    # layers' state kept across iterations (batch norm's running statistics), layer → kind → array
    layer_state: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)
    # iteration 1's given arrays a file gives (``drop.mask`` → [B, *in]); the rest are drawn from the seed
    given: dict[str, np.ndarray] = field(default_factory=dict)
    # expected values a save leaves out: they belong to an iteration before the saved parameters
    expected_left_out: int = 0

    def copy(self) -> Scenario:
        """A copy whose arrays can be replaced without touching this one's."""
        return replace(
            self,
            layer_specs=[dict(s) for s in self.layer_specs],
            params={k: dict(v) for k, v in self.params.items()},
            layer_state={k: dict(v) for k, v in self.layer_state.items()},
            given=dict(self.given),
            samples=replace(self.samples),
            expected=dict(self.expected),
        )
