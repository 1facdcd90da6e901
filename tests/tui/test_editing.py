"""Inline editing: the value becomes an Input; enter commits, escape cancels, bad input is refused."""

from __future__ import annotations

from tui_helpers import SIZE, cell, cell_state, message, press, status

from tui.widgets.panels.layer_panel import CellEditor


async def start_edit(app, pilot, name: str) -> CellEditor:
    app.main.select(name)
    await press(pilot, "enter")
    editor = app.screen.query_one(CellEditor)
    assert editor.quantity == name
    return editor


async def type_value(pilot, editor: CellEditor, text: str) -> None:
    editor.value = ""
    await pilot.press(*list(text))
    await press(pilot, "enter")


async def test_editor_sits_where_the_value_is(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        editor = await start_edit(app, pilot, "fc.weight[0,1]")
        grid = app.main.panel("fc").grid
        region = grid.cell_region("fc.weight[0,1]")
        assert editor.parent is app.main.panel("fc")
        assert editor.region.y == grid.region.y + region.y
        assert editor.region.x == grid.region.x + region.x
        assert editor.value == "0.2"
        assert app.focused is editor


async def test_valid_edit_during_forward_clears_downstream(app):
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "f", "f", "f")  # conv, pool, fc
        assert "forward 4/4: out" in status(app)
        editor = await start_edit(app, pilot, "fc.weight[0,0]")
        await type_value(pilot, editor, "0.5")
        assert not app.screen.query(CellEditor)
        assert cell(app, "fc.weight[0,0]") == "0.500"
        assert cell_state(app, "fc.weight[0,0]") == "fresh"
        assert cell(app, "fc.out[0]") == "·"
        assert cell(app, "pool.out[0,0]") == "0.629"
        assert "forward 3/4: fc" in status(app)
        assert "[unsaved]" in status(app)
        assert "fc.weight[0,0]: 0.100 → 0.500" in message(app)
        assert app.focused is app.main.panel("fc").grid


async def test_edit_during_backward_moves_the_phase_back(app):
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "F", "b", "b")
        editor = await start_edit(app, pilot, "out.bias[1]")
        await type_value(pilot, editor, "-0.25")
        assert cell(app, "out.bias[1]") == "−0.250"
        assert cell(app, "out.delta[0]") == "·" and cell(app, "fc.delta[0]") == "·"
        assert cell(app, "out.out[0]") == "·" and cell(app, "fc.out[0]") == "0.608✓"
        assert "forward 4/4: out" in status(app)


async def test_edit_after_update_clears_the_update(app):
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "n")
        editor = await start_edit(app, pilot, "conv.weight[1,0,2]")
        await type_value(pilot, editor, "0.4")
        assert cell(app, "conv.new_weight[0,0,0]") == "·"
        assert cell(app, "conv.out[0,0]") == "·"
        assert "forward 1/4: conv" in status(app)


async def test_edit_input_and_target(app):
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "F")
        editor = await start_edit(app, pilot, "target[1]")
        await type_value(pilot, editor, "0")
        assert "cleared the loss" in message(app)
        assert cell(app, "loss") == "·" and cell(app, "out.out[0]") == "0.706✓"
        editor = await start_edit(app, pilot, "input[0,1]")
        await type_value(pilot, editor, "0.5")
        assert cell(app, "input[0,1]") == "0.500"
        assert cell(app, "conv.out[0,0]") == "·"


async def test_invalid_entry_is_refused_and_changes_nothing(app):
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "F")
        editor = await start_edit(app, pilot, "fc.bias[0]")
        await type_value(pilot, editor, "abc")
        assert "not a number" in message(app)
        assert app.query_one("#message").has_class("error")
        assert app.screen.query(CellEditor)  # still open to fix the typo
        assert app.stepper.value("fc.bias[0]") == 0.3
        assert cell(app, "out.out[0]") == "0.706✓"
        assert not app.stepper.edited
        await press(pilot, "escape")
        assert not app.screen.query(CellEditor)
        assert "backward 1/4: out" in status(app)


async def test_target_out_of_range_is_refused(app):
    async with app.run_test(size=SIZE) as pilot:
        editor = await start_edit(app, pilot, "target[0]")
        await type_value(pilot, editor, "2")
        assert "0…1" in message(app)
        assert app.stepper.value("target[0]") == 1.0


async def test_escape_cancels(app):
    async with app.run_test(size=SIZE) as pilot:
        editor = await start_edit(app, pilot, "out.weight[0,0]")
        editor.value = "9"
        await press(pilot, "escape")
        assert not app.screen.query(CellEditor)
        assert cell(app, "out.weight[0,0]") == "0.100"
        assert "cancelled" in message(app)
        assert app.focused is app.main.panel("out").grid


async def test_keys_typed_in_the_editor_do_not_step(app):
    async with app.run_test(size=SIZE) as pilot:
        editor = await start_edit(app, pilot, "out.weight[0,0]")
        editor.value = ""
        await press(pilot, "f", "b")
        assert editor.value == "fb"
        assert "forward 1/4: conv" in status(app)


async def test_computed_values_are_not_editable(app):
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "f")
        app.main.select("conv.out[0,0]")
        await press(pilot, "enter")
        assert "computed, not given" in message(app)
        assert not app.screen.query(CellEditor)


async def test_the_inline_editor_opens_on_the_start_of_a_long_value(app):
    from tui.widgets.panels.layer_panel import CellEditor

    async with app.run_test(size=SIZE) as pilot:
        app.main.select("fc.weight[0,0]")
        await press(pilot, "enter")
        app.screen.query_one(CellEditor).value = "-0.19461986274449244"
        await press(pilot, "enter")
        assert app.stepper.value("fc.weight[0,0]") == -0.19461986274449244
        await press(pilot, "enter")  # edit it again: the editor holds the whole value
        await pilot.pause()
        editor = app.screen.query_one(CellEditor)
        assert editor.value == "−0.19461986274449244"
        shown = editor.render_line(0).text.strip()
        assert shown.startswith("−0.1946") and len(shown) >= 8  # its start, not the tail 449244
        assert editor.region.width > len("−0.195") + 1  # wider than the cell, where the panel has room
        assert sorted(editor.selection) == [0, len(editor.value)]  # all selected: typing replaces it
        await pilot.press(*"0.25")
        await press(pilot, "enter")
        assert app.stepper.value("fc.weight[0,0]") == 0.25
