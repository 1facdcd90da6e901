"""A panel's cells are laid out from a remembered layout per shape (``_grid_cells``): the same
indices and names, in the same order, as unravelling every index afresh; asked again for a
shape, the same answer."""

from __future__ import annotations

import itertools

import pytest

from core.engine.quantities import format_index
from tui.widgets.panels.layer_rows import MAX_COLS, MAX_ROWS, _grid_cells, _truncated, grid_indices, is_truncated

SHAPES = [(), (1,), (5,), (1, 8), (1, 9), (2, 3), (3, 4, 4), (16, 6, 6), (2, 1, 12), (4, 1, 3), (9, 9), (1, 10, 10),
          (2, 3, 4, 5)]


@pytest.mark.parametrize(("shape", "column"), list(itertools.product(SHAPES, (False, True))))
def test_remembered_cells_are_the_unravelled_ones(shape: tuple[int, ...], column: bool) -> None:
    if column and len(shape) < 2:
        return  # a column is a 1-channel signal: [1, L] or [B, 1, L]
    fresh = grid_indices(shape, column)
    remembered = _grid_cells(shape, column)
    assert [[idx for idx, _suffix in line] for line in remembered] == fresh
    names = [[format_index(i) for i in line] for line in fresh]
    assert [[suffix for _idx, suffix in line] for line in remembered] == names
    assert len(remembered) <= MAX_ROWS and all(len(line) <= MAX_COLS for line in remembered)
    assert _grid_cells(shape, column) is remembered
    assert _truncated(shape, column) == is_truncated(shape, column)


def test_a_step_shows_every_cell_by_its_name() -> None:
    """tiny-cnn's panels after each of an iteration's steps: every cell named as the array's
    name and its index, line by line (what the cursor, the trace and the editor find it by)."""
    from core.engine.quantities import parse_name
    from core.engine.quantity_shapes import quantity_shape
    from core.engine.stepper import Stepper
    from core.scenario.catalog import load
    from tui.widgets.panels.layer_rows import as_column, panel_blocks, panel_rows

    stepper = Stepper(load("tiny-cnn"))
    for _ in range(9):
        stepper.step_next()
        for key in [layer.name for layer in stepper.scenario.network.layers] + ["loss"]:
            expected = []
            for array_name, _label in panel_blocks(stepper, key):
                ref = parse_name(array_name)
                shape = quantity_shape(stepper.network, stepper.batch_size, ref)
                column = as_column(stepper, ref.kind, shape)
                expected += [array_name + format_index(i) for line in grid_indices(shape, column) for i in line]
            assert [cell.name for row in panel_rows(stepper, key, 3) for cell in row.cells] == expected
