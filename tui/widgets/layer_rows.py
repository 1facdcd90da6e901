"""Turn the stepper's arrays into grid rows: one block of rows per quantity of a panel.

Every number comes from the Stepper; this module only formats and labels them. Values
not computed yet become a placeholder, just-computed ones are flagged ``fresh``, and a
scenario's ``expected`` values get a ✓ or ✗ from ``core.checks``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from core.checks import check_for
from core.numbers import fmt
from core.quantities import format_index, parse_name
from core.quantity_shapes import quantity_shape
from tui.widgets.value_grid import PLACEHOLDER, Cell, Row

if TYPE_CHECKING:
    from core.stepper import Stepper

MAX_ROWS = 8  # rows shown per quantity; larger arrays end with a "…" line
MAX_COLS = 8
PARAM_BLOCKS = (("weight", "weight"), ("bias", "bias"), ("net", "net"), ("out", "out"),
                ("grad_out", "grad_out"), ("delta", "delta"), ("grad_weight", "grad_w"),
                ("grad_bias", "grad_b"), ("new_weight", "new_w"), ("new_bias", "new_b"))
PLAIN_BLOCKS = (("out", "out"), ("grad_out", "grad_out"))
EDITABLE = ("weight", "bias", "input", "target")

INPUT = "input"
LOSS = "loss"


def panel_keys(stepper: Stepper) -> list[str]:
    """The panels from left to right: input, every layer, loss."""
    return [INPUT, *(layer.name for layer in stepper.network.layers), LOSS]


def panel_title(stepper: Stepper, key: str) -> str:
    net = stepper.network
    if key == INPUT:
        return f"input · {list(net.input_shape)}"
    if key == LOSS:
        return f"loss · {net.loss.name}"
    return f"{key} · {net.layer(key).describe()}"


def panel_blocks(stepper: Stepper, key: str) -> list[tuple[str, str]]:
    """(array name, label) of every quantity a panel shows, in the order they are computed."""
    if key == INPUT:
        return [("input", "x")]
    if key == LOSS:
        return [("target", "y"), ("loss", stepper.network.loss.symbol)]
    layer = stepper.network.layer(key)
    blocks = PARAM_BLOCKS if layer.has_params else PLAIN_BLOCKS
    return [(f"{key}.{kind}", label) for kind, label in blocks]


def panel_rows(stepper: Stepper, key: str, decimals: int, fresh: set[str] | frozenset[str] = frozenset(),
               hidden: set[str] | frozenset[str] = frozenset(), question: str | None = None) -> list[Row]:
    """Rows of one panel; ``fresh`` holds array or cell names computed by the last command;
    ``hidden`` cell names (a quiz's questions) show a placeholder, ``question`` shows ``?``."""
    rows: list[Row] = []
    for array_name, label in panel_blocks(stepper, key):
        rows += block_rows(stepper, array_name, label, decimals, fresh, hidden, question)
    return rows


def block_rows(stepper: Stepper, array_name: str, label: str, decimals: int,
               fresh: set[str] | frozenset[str], hidden: set[str] | frozenset[str] = frozenset(),
               question: str | None = None) -> list[Row]:
    ref = parse_name(array_name)
    shape = quantity_shape(stepper.network, stepper.batch_size, ref)
    arr = stepper.array(array_name)
    old = None
    if ref.kind.startswith("new_") and arr is not None:
        old = stepper.array(f"{ref.layer}.{ref.kind[4:]}")
    width = shape[-1] if shape else 1
    lines = int(np.prod(shape[:-1])) if len(shape) > 1 else 1
    expected = stepper.scenario.expected
    rows = []
    for r in range(min(lines, MAX_ROWS)):
        cells = []
        for c in range(min(width, MAX_COLS)):
            flat = r * width + c
            idx = tuple(int(i) for i in np.unravel_index(flat, shape)) if shape else None
            name = array_name + format_index(idx)
            if name in hidden:
                cells.append(Cell(name, "?" if name == question else PLACEHOLDER,
                                  "question" if name == question else "pending"))
                continue
            cells.append(_cell(stepper, ref.kind, name, idx, arr, old, decimals, fresh, expected))
        rows.append(Row(label if r == 0 else "", tuple(cells)))
    if lines > MAX_ROWS or width > MAX_COLS:
        rows.append(Row(f"  … {'×'.join(str(s) for s in shape)} in all"))
    return rows


def _cell(stepper: Stepper, kind: str, name: str, idx: tuple[int, ...] | None, arr: np.ndarray | None,
          old: np.ndarray | None, decimals: int, fresh: set[str] | frozenset[str], expected: dict) -> Cell:
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
        check = check_for(stepper, name)
        if check is not None:
            mark = "✓" if check.ok else "✗"
    return Cell(name, fmt(value, decimals), state, mark, editable)
