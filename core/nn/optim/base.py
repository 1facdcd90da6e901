"""What every optimizer is: a pure update rule, its state kinds, its derivation, its torch lines, its slips.

An optimizer works on one parameter array at a time, as ``torch.optim`` does: the update
is a pure function ``update(param, grad, state, hyper) -> (new_param, new_state)`` in the
style of CS231n's ``optim.py``, so the stepper can keep the state in its immutable record
(undo covers it) and training calls the very same rule. Every rule of ``torch.optim`` is
elementwise, so the same call serves one array or many.

The state is a mapping from a state kind (torch's buffer name, e.g. ``momentum_buffer``)
to an array of the parameter's shape; a kind missing from it has not been started yet
(torch starts sgd's momentum buffer from the first gradient). The learner sees each kind
as the quantity ``LAYER.KIND_PARAM`` (``fc.momentum_buffer_weight``), after the update.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import ClassVar, NamedTuple

import numpy as np

Value = float | bool | tuple[float, ...]  # a number, a flag, or a pair such as Adam's betas
Candidates = list[tuple[float | None, str]]
Slip = Callable[["UpdateContext", float], Candidates]


class Field(NamedTuple):
    """One setting of an optimizer in the scenario's ``optimizer:`` mapping."""

    name: str
    default: Value
    meaning: str  # a few words, for messages and docs
    low: float | None = None  # numbers: the smallest value allowed
    high: float | None = None  # numbers: the largest value allowed
    high_open: bool = False  # True: ``high`` itself is not allowed

    @property
    def is_flag(self) -> bool:
        return isinstance(self.default, bool)

    @property
    def is_tuple(self) -> bool:
        """A fixed-length list of numbers (Adam's ``betas: [0.9, 0.999]``), each in range."""
        return isinstance(self.default, tuple)


def setting(options: Mapping[str, Value], name: str) -> float:
    """A number setting as a float (what ``Hyper.number`` does, on a bare mapping)."""
    value = options[name]
    assert not isinstance(value, tuple), name
    return float(value)


@dataclass(frozen=True)
class OptimizerConfig:
    """The chosen optimizer and its settings, every field filled in (defaults included)."""

    type: str = "sgd"
    options: Mapping[str, Value] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Value:
        return self.options[name]


class Hyper(NamedTuple):
    """What one update needs besides the arrays: α, this update's number and the settings.
    (A named tuple: training builds one per iteration, and it costs a fraction of a µs.)"""

    learning_rate: float
    step: int  # 1 for the first update (torch increments ``step`` before using it)
    options: Mapping[str, Value] = {}
    # what the learner writes down of an intermediate array before the update uses it, given
    # the array and its quantity name (``fc.exp_avg_weight``; "" for one that is no quantity:
    # g with its weight decay, m̂, v̂): rounded under hand-rounding, the student's own values in
    # the teacher's carried-forward walk (core/teacher/carry); None computes exactly
    rounding: Callable[[np.ndarray, str], np.ndarray] | None = None

    def number(self, name: str) -> float:
        return setting(self.options, name)

    def numbers(self, name: str) -> tuple[float, ...]:
        """A tuple setting (Adam's betas) as floats."""
        value = self.options[name]
        assert isinstance(value, tuple), name
        return tuple(float(v) for v in value)

    def written(self, values: np.ndarray, kind: str = "") -> np.ndarray:
        """``values`` as the learner writes them down before using them (rounded under
        hand-rounding): an update rule passes each intermediate through this, a state
        buffer with its ``kind`` (``exp_avg``), which ``update_layer`` names as a quantity."""
        return values if self.rounding is None else self.rounding(values, kind)


@dataclass(frozen=True)
class OptimizerState:
    """The optimizer's state between iterations: updates already taken and the buffers.

    ``buffers`` maps a quantity name without index (``fc.momentum_buffer_weight``) to its
    array; it is replaced, never written in place, so a copy of the record is a snapshot.
    """

    step: int = 0
    buffers: Mapping[str, np.ndarray] = field(default_factory=dict)


class Term(NamedTuple):
    """A term as written with symbols and with its numbers, e.g. ``δ·a`` and ``(−0.294)·0.608``."""

    symbol: str
    numeric: str


class UpdateStep(NamedTuple):
    """One sub-step of an update's derivation: ``symbol = formula = substituted = value``.

    ``kind`` is ``"new"`` for the updated parameter itself (the last step), else the state
    kind the step computes, so a state quantity is explained by its own step.
    """

    kind: str
    symbol: str
    formula: str
    substituted: str
    value: float
    note: str = ""


class UpdateContext(NamedTuple):
    """One entry of one parameter, around its update: what derivations and slips read.

    The numbers come from the engine's stored arrays; the symbols and number formatting
    from the explainer, so an optimizer writes formulas without knowing about layers.
    """

    param: str  # "weight" or "bias"
    word: str  # how the notes name it: "w", "b", "weight", "bias"
    old: float
    grad: float
    new: float
    old_symbol: str  # e.g. w_fc[0,1]
    new_symbol: str  # e.g. w′_fc[0,1]
    grad_term: Term  # ∂E/∂w as the layer writes it
    grad_note: str  # e.g. ", with ∂E/∂w = δ·(its input)" (may be empty)
    state_before: Mapping[str, float]  # kind → value; a kind not yet started is missing
    state_after: Mapping[str, float]
    hyper: Hyper
    num: Callable[[float], str]  # a number as the derivation writes it
    factor: Callable[[float], str]  # the same, in parentheses when negative (for products)
    state_symbol: Callable[[str, bool], str]  # (kind, after?) → e.g. b_fc[0,1] or b′_fc[0,1]
    target: str = "new"  # what a slip is asked about: "new" (the updated parameter) or a state kind


class Optimizer(ABC):
    """An update rule with everything about it; subclasses fill in the class attributes."""

    name: ClassVar[str]
    title: ClassVar[str]  # e.g. "SGD"
    fields: ClassVar[tuple[Field, ...]] = ()
    state_kinds: ClassVar[tuple[str, ...]] = ()  # every buffer it may keep, torch's names
    state_titles: ClassVar[Mapping[str, str]] = {}  # kind → words, e.g. "momentum buffer"
    state_symbols: ClassVar[Mapping[str, str]] = {}  # kind → a course's letter, e.g. "b", "m"
    torch_class: ClassVar[str]  # e.g. "torch.optim.SGD"
    # the key under which torch keeps the update count in ``optimizer.state[p]`` (Adam,
    # RMSprop: "step"); the export then starts it at the updates already taken
    torch_step_key: ClassVar[str | None] = None
    # slip name → candidate values of the quantity ``ctx.target`` names (a new_* or a state kind)
    slips: ClassVar[Mapping[str, Slip]] = {}

    def defaults(self) -> dict[str, Value]:
        return {f.name: f.default for f in self.fields}

    def describe(self, options: Mapping[str, Value]) -> str:
        """The optimizer in words for report headings: its title and the settings that differ
        from their defaults, e.g. ``SGD (momentum 0.9, nesterov)``."""
        changed = [f.name if f.is_flag else f"{f.name} {_words(options[f.name])}"
                   for f in self.fields if options[f.name] != f.default]
        return f"{self.title} ({', '.join(changed)})" if changed else self.title

    def kept_kinds(self, options: Mapping[str, Value]) -> tuple[str, ...]:
        """The state kinds these settings keep (plain sgd: none; sgd with momentum: one)."""
        return self.state_kinds

    def initial_state(self, kind: str, shape: tuple[int, ...]) -> np.ndarray | None:
        """A buffer before its first update, as torch starts it: zeros (Adam's averages,
        RMSprop's), or None when the first update sets it from the gradient (SGD's momentum)."""
        return np.zeros(shape)

    def check(self, options: Mapping[str, Value]) -> tuple[str, str] | None:
        """A rule between fields that is broken, as (field, message); None when all is well."""
        return None

    def replay(self, ctx: UpdateContext, grad: float | None = None, state: Mapping[str, float] | None = None,
               **options: Value) -> tuple[float, dict[str, float]]:
        """This rule on ``ctx``'s one entry again, with some inputs or settings changed (a
        slip's "what if"): (the new parameter, the state after), as floats."""
        hyper = ctx.hyper._replace(options={**ctx.hyper.options, **options})
        given = ctx.state_before if state is None else state
        new, after = self.update(np.array([ctx.old]), np.array([ctx.grad if grad is None else grad]),
                                 {kind: np.array([value]) for kind, value in given.items()}, hyper)
        return float(new[0]), {kind: float(arr[0]) for kind, arr in after.items()}

    @abstractmethod
    def update(self, param: np.ndarray, grad: np.ndarray, state: Mapping[str, np.ndarray],
               hyper: Hyper) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """The pure update of one parameter array: (new parameter, new state). No input is
        written and no output is an input (training reuses its gradient buffer)."""

    def bound_update(self, options: Mapping[str, Value]) -> Callable[
            [np.ndarray, np.ndarray, Mapping[str, np.ndarray], Hyper], tuple[np.ndarray, dict[str, np.ndarray]]]:
        """``update`` for these settings, read once: training calls it every iteration with a
        Hyper of the same options. The same numbers as ``update``; by default ``update`` itself."""
        return self.update

    @abstractmethod
    def derive(self, ctx: UpdateContext) -> list[UpdateStep]:
        """Every sub-step of one entry's update, the updated parameter last."""

    @abstractmethod
    def torch_lines(self, config: OptimizerConfig, params: str, learning_rate: str) -> list[str]:
        """Lines of the PyTorch export that build the optimizer as ``optimizer`` over the
        tensors ``params`` with the learning rate named ``learning_rate``."""


def _words(value: Value) -> str:
    """A setting's value for a heading: ``0.9``, or ``[0.8, 0.99]`` for a tuple."""
    if isinstance(value, tuple):
        return "[" + ", ".join(f"{float(v):g}" for v in value) + "]"
    return f"{float(value):g}"
