"""What a panel's heatmaps show: one block per quantity, and whether a panel opens in heatmaps.

Apart from the widget (``heatmap_view``), so that the main screen can choose each panel's
mode and a panel can be made without importing the widget: it is imported when a panel
first shows heatmaps (tiny-cnn's first frame has none).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from core.engine.quantities import format_index, parse_name
from core.engine.quantity_shapes import quantity_shape
from tui.widgets.panels.layer_rows import EDITABLE, as_column, is_truncated, panel_blocks

if TYPE_CHECKING:
    from core.engine.stepper import Stepper


class HeatBlock(NamedTuple):
    """One quantity of a panel: its name, label, shape and values (None: not computed)."""

    name: str
    label: str
    shape: tuple[int, ...]
    values: np.ndarray | None
    editable: bool = False
    fresh: bool = False
    traced: frozenset[int] = frozenset()  # flat indexes the selection's trace marks (drawn ▚)

    @property
    def size(self) -> int:
        return int(np.prod(self.shape)) if self.shape else 1

    def value_name(self, flat: int) -> str:
        if not self.shape:
            return self.name
        return self.name + format_index(tuple(int(i) for i in np.unravel_index(flat, self.shape)))


def heat_blocks(stepper: Stepper, key: str, fresh: set[str] | frozenset[str] = frozenset(),
                hidden: set[str] | frozenset[str] = frozenset(),
                traced: Mapping[str, str] | None = None) -> list[HeatBlock]:
    """The blocks of one panel, straight from the stepper's arrays. An array with a value in
    ``hidden`` (a quiz's questions) is drawn as not computed: colours would give it away;
    the values ``traced`` names (the selection's trace) are drawn with a marker glyph."""
    hidden_arrays = {name.split("[")[0] for name in hidden}
    marked: dict[str, list[tuple[int, ...]]] = {}
    for name in traced or {}:
        ref = parse_name(name)
        if ref.index is not None:
            marked.setdefault(ref.array_name, []).append(ref.index)
    blocks = []
    for array_name, label in panel_blocks(stepper, key):
        ref = parse_name(array_name)
        shape = tuple(quantity_shape(stepper.network, stepper.batch_size, ref))
        arr = None if array_name in hidden_arrays else stepper.array(array_name)
        values = None if arr is None else np.asarray(arr, dtype=np.float64).reshape(shape)
        flat = frozenset(int(np.ravel_multi_index(idx, shape)) for idx in marked.get(array_name, ()))
        blocks.append(HeatBlock(array_name, label, shape, values, ref.kind in EDITABLE, array_name in fresh, flat))
    return blocks


def wants_heatmap(stepper: Stepper, key: str) -> bool:
    """Heatmap by default when some quantity of the panel would not fit the number grid."""
    for array_name, _label in panel_blocks(stepper, key):
        ref = parse_name(array_name)
        shape = quantity_shape(stepper.network, stepper.batch_size, ref)
        if is_truncated(shape, as_column(stepper, ref.kind, shape)):
            return True
    return False
