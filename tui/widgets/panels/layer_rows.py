"""Turn the stepper's arrays into grid rows: one block of rows per quantity of a panel.

Every number comes from the Stepper; this module only formats and labels them. Values
not computed yet become a placeholder, just-computed ones are flagged ``fresh``, and a
scenario's ``expected`` values get a ✓ or ✗ from ``core.learner.checks``.
"""

from __future__ import annotations

import operator
from collections.abc import Mapping
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
from textual.markup import escape

from core.engine.quantities import EDITABLE_KINDS, KINDS, PREVIOUS, format_index, parse_name
from core.engine.quantity_shapes import PER_SAMPLE, quantity_shape
from core.i18n import tr
from core.nn.optim import get_optimizer
from core.numbers import compact, fmt
from tui.widgets.panels.value_grid import PLACEHOLDER, Cell, Row

if TYPE_CHECKING:
    from core.engine.scenario import Expected
    from core.engine.stepper import Stepper

MAX_ROWS = 8  # rows shown per quantity; larger arrays end with a "…" line
MAX_COLS = 8
EDITABLE = EDITABLE_KINDS  # weight, bias, input, target, a dropout mask

INPUT = "input"
LOSS = "loss"


def cell_text(value: float, decimals: int, digits: int = 2) -> str:
    """A value as a grid cell shows it (``core.numbers.compact``): a value too small for the
    decimals is written compactly with ``digits`` significant digits (``3.3e−5``, not
    ``0.0000326``) so it does not widen its column; the derivation panel shows it in full.
    Hand-rounding keeps three significant digits of such values: cells then show 3."""
    return compact(value, decimals, digits)


def panel_keys(stepper: Stepper) -> list[str]:
    """The panels from left to right: input, every layer, loss."""
    return [INPUT, *(layer.name for layer in stepper.network.layers), LOSS]


def panel_title(stepper: Stepper, key: str) -> str:
    """The panel's border title, kept short so a small network fits 120 columns: the layer's
    name in bold, then what it is (``fc dense 2 · sigmoid``), and what it reads when that is
    not simply the layer before it (``skip add 2 · relu ← h1 + h2``)."""
    net = stepper.network
    if key == INPUT:
        what = "×".join(str(n) for n in net.input_shape)
    elif key == LOSS:
        what = net.loss.short
    else:
        what = net.layer(key).describe()
        if not net.reads_previous(key):
            what += " ← " + " + ".join(net.inputs_of(key))
    return f"[b]{escape(key)}[/b] {escape(what)}"


def panel_blocks(stepper: Stepper, key: str) -> list[tuple[str, str]]:
    """(array name, label) of every quantity a panel shows, in the order they are computed."""
    if key == INPUT:
        return [("input", "x")]
    if key == LOSS:
        return [("target", "y"), ("loss", stepper.network.loss.symbol)]
    layer = stepper.network.layer(key)
    network = stepper.network
    # the layer's kinds in the order an iteration computes them: given, forward (a layer's own
    # statistics, net, out, then the state it keeps), backward, update; the optimizer's state
    # grouped under its parameter: m, v (the state the update starts from) under the weight,
    # m′, v′ (after the update) under the new weight, in the optimizer's own letters
    kinds = network.kinds(layer)
    order = list(KINDS)

    def place(kind: str) -> tuple[int, int, int]:
        forward = 0 if kind not in ("net", "out") and kind not in layer.state_defaults else \
            (1 if kind in ("net", "out") else 2)
        return (_STAGES.index(KINDS[kind].stage), forward, order.index(kind))

    rule = get_optimizer(stepper.scenario.optimizer.type)
    blocks = []
    for kind in sorted((k for k in kinds if not KINDS[k].state), key=place):
        blocks.append((f"{key}.{kind}", _label(layer.param_symbols, kind)))
        param = kind[4:] if kind.startswith("new_") else kind
        if param in layer.param_names and param not in layer.frozen:
            after = kind != param
            letter = layer.param_symbols.get(param, param[0])
            for state in network.optimizer_kinds:
                name = f"{state}_{param}" if after else f"{PREVIOUS}{state}_{param}"
                blocks.append((f"{key}.{name}", f"{rule.state_symbols[state]}{'′' if after else ''}_{letter}"))
    return blocks


_STAGES = ("given", "forward", "backward", "update")


def _label(symbols: Mapping[str, str], kind: str) -> str:
    """A block's label: the registry's, with a layer's own letters for its parameters
    (batch norm's γ, β: ``γ``, ``grad_γ``, ``new_γ``)."""
    for param, symbol in symbols.items():
        if kind == param:
            return symbol
        if kind in (f"grad_{param}", f"new_{param}"):
            return f"{kind[:kind.index('_') + 1]}{symbol}"
    return KINDS[kind].label


def panel_sources(stepper: Stepper, key: str) -> tuple[object, ...]:
    """What the numbers of panel ``key`` are made from, to be compared by identity: the
    stored arrays of its blocks, the layer's parameters, the optimizer's state, the answers,
    the iteration and hand-rounding. Arrays are never written in place (a changed value is
    a new array, core/engine/stepper.py), so a panel whose sources are the same objects
    shows the same numbers and marks."""
    st = stepper.state
    values = st.values.get
    arrays = tuple(values(name) for name, _label in panel_blocks(stepper, key))
    return (*arrays, st.params.get(key), st.optim, st.samples, stepper.scenario.expected, st.iteration,
            st.rounding, stepper.network)


def same_sources(drawn: tuple[tuple[object, ...], tuple[object, ...]],
                 now: tuple[tuple[object, ...], tuple[object, ...]]) -> bool:
    """Were a panel's rows made from ``now`` (the same objects, and equal settings)?"""
    (drawn_sources, drawn_settings), (sources, settings) = drawn, now
    return len(drawn_sources) == len(sources) and all(map(operator.is_, drawn_sources, sources)) and \
        drawn_settings == settings


def panel_rows(stepper: Stepper, key: str, decimals: int, fresh: set[str] | frozenset[str] = frozenset(),
               hidden: set[str] | frozenset[str] = frozenset(), question: str | None = None,
               blanks: frozenset[str] = frozenset(), traced: Mapping[str, str] | None = None) -> list[Row]:
    """Rows of one panel; ``fresh`` holds array or cell names computed by the last command;
    ``hidden`` cell names (a quiz's questions) show a placeholder, ``question`` shows ``?``;
    ``blanks`` (an exercise's asked values, hidden too) show the learner's answer or a blank;
    ``traced`` gives the role of each value the selection's trace marks (core.explain.trace)."""
    rows: list[Row] = []
    for array_name, label in panel_blocks(stepper, key):
        rows += block_rows(stepper, array_name, label, decimals, fresh, hidden, question, blanks)
    if traced:
        rows = [Row(row.label, tuple(c._replace(trace=traced[c.name]) if c.name in traced else c
                                     for c in row.cells)) for row in rows]
    return rows


def block_rows(stepper: Stepper, array_name: str, label: str, decimals: int,
               fresh: set[str] | frozenset[str], hidden: set[str] | frozenset[str] = frozenset(),
               question: str | None = None, blanks: frozenset[str] = frozenset()) -> list[Row]:
    ref = parse_name(array_name)
    shape = quantity_shape(stepper.network, stepper.batch_size, ref)
    arr = stepper.array(array_name)
    old = None
    if ref.kind.startswith("new_") and arr is not None:
        old = stepper.array(f"{ref.layer}.{ref.kind[4:]}")
    elif KINDS[ref.kind].state and KINDS[ref.kind].stage == "update" and arr is not None:
        old = stepper.array(f"{ref.layer}.{PREVIOUS}{ref.kind}")  # the state it started from
    expected = stepper.scenario.expected
    rows = []
    column = as_column(stepper, ref.kind, shape)
    for r, line in enumerate(_grid_cells(shape, column)):
        cells = []
        for idx, suffix in line:
            name = array_name + suffix
            if name in blanks:  # never a number, never ✓/✗: the learner's own answer or a blank
                mine = expected.get(name)
                cells.append(Cell(name, mine.text.replace("-", "−") if mine else BLANK,
                                  "plain" if mine else "question", "✎" if mine else ""))
                continue
            if name in hidden:
                cells.append(Cell(name, "?" if name == question else PLACEHOLDER,
                                  "question" if name == question else "pending"))
                continue
            cells.append(_cell(stepper, ref.kind, name, idx, arr, old, decimals, fresh, expected))
        rows.append(Row(label if r == 0 else "", tuple(cells)))
    if _truncated(shape, column):
        rows.append(Row("  " + tr("… {shape} in all", shape="×".join(str(s) for s in shape))))
    return rows


BLANK = "____"  # an exercise's asked value not answered yet


def as_column(stepper: Stepper, kind: str, shape: tuple[int, ...]) -> bool:
    """A one-channel 1-D signal (``[1, L]``, or ``[B, 1, L]`` for a batch) reads best as a
    column, one line per position (and one column per sample), as in the notes."""
    if kind != "input" and kind not in PER_SAMPLE:
        return False
    per_sample = shape[1:] if stepper.batch_size > 1 else shape
    return len(per_sample) == 2 and per_sample[0] == 1 and per_sample[1] > 1


Line = tuple[tuple[tuple[int, ...] | None, str], ...]


@lru_cache(maxsize=1024)
def _grid_cells(shape: tuple[int, ...], column: bool) -> tuple[Line, ...]:
    """``grid_indices`` with each index's name suffix (``[0,1,2]``), remembered by shape: a
    step redraws a few panels' blocks, each of the same few shapes, and unravelling every
    cell's index with NumPy again was a quarter of making a panel's rows."""
    return tuple(tuple((idx, format_index(idx)) for idx in line) for line in grid_indices(shape, column))


@lru_cache(maxsize=1024)
def _truncated(shape: tuple[int, ...], column: bool) -> bool:
    """``is_truncated``, remembered by shape (as ``_grid_cells``)."""
    return is_truncated(shape, column)


def grid_indices(shape: tuple[int, ...], column: bool = False) -> list[list[tuple[int, ...] | None]]:
    """The index of every cell shown, line by line (at most MAX_ROWS × MAX_COLS)."""
    if not shape:
        return [[None]]
    if column:
        samples = shape[0] if len(shape) == 3 else 1
        return [[(b, 0, i) if len(shape) == 3 else (0, i) for b in range(min(samples, MAX_COLS))]
                for i in range(min(shape[-1], MAX_ROWS))]
    width = shape[-1]
    lines = int(np.prod(shape[:-1])) if len(shape) > 1 else 1
    return [[tuple(int(i) for i in np.unravel_index(r * width + c, shape)) for c in range(min(width, MAX_COLS))]
            for r in range(min(lines, MAX_ROWS))]


def is_truncated(shape: tuple[int, ...], column: bool = False) -> bool:
    """True when the grid shows only part of an array (it then ends with a "…" line)."""
    if not shape:
        return False
    if column:
        return shape[-1] > MAX_ROWS or (len(shape) == 3 and shape[0] > MAX_COLS)
    lines = int(np.prod(shape[:-1])) if len(shape) > 1 else 1
    return lines > MAX_ROWS or shape[-1] > MAX_COLS


def _cell(stepper: Stepper, kind: str, name: str, idx: tuple[int, ...] | None, arr: np.ndarray | None,
          old: np.ndarray | None, decimals: int, fresh: set[str] | frozenset[str],
          expected: dict[str, Expected]) -> Cell:
    editable = kind in EDITABLE
    if arr is None:
        return Cell(name, PLACEHOLDER, "pending", editable=editable)
    value = float(arr[idx] if idx else arr)
    state = "plain"
    if name in fresh or name.split("[")[0] in fresh:
        state = "fresh"
    elif old is not None and idx is not None and float(old[idx]) != value:
        state = "changed"
    mark = ""
    if name in expected:
        from core.learner.checks import check_for  # only a file with expected values needs the checks

        check = check_for(stepper, name)
        if check is not None:
            mark = check.mark
    digits = 2 if stepper.hand_rounding is None else 3
    text = fmt(value, 0) if KINDS[kind].whole and value == int(value) else cell_text(value, decimals, digits)
    return Cell(name, text, state, mark, editable)
