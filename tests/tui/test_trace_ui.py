"""The trace in the stepping view: marks across the panels, d switches direction, the derivation names them."""

from __future__ import annotations

from tui_helpers import SIZE, cell_state, derivation, message, press

from tui.app import CnnTuiApp


def traced(app: CnnTuiApp) -> dict[str, str]:
    """Every cell the trace marks, with its role."""
    return {c.name: c.trace for p in app.main.panels for row in p.grid.rows for c in row.cells if c.trace}


async def test_selecting_a_dense_net_marks_its_weights_inputs_and_bias(app: CnnTuiApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "n")
        app.main.select("fc.net[0]")
        await pilot.pause()
        assert traced(app) == {"fc.weight[0,0]": "param", "fc.weight[0,1]": "param", "fc.bias[0]": "param",
                               "pool.out[0,0]": "value", "pool.out[1,0]": "value"}
        text = derivation(app)
        assert "fc.net[0] reads 5 values" in text
        assert "parameters: fc.weight[0,0] fc.weight[0,1] fc.bias[0]" in text
        assert "values: pool.out[0,0] pool.out[1,0]" in text


async def test_moving_the_selection_moves_the_trace(app: CnnTuiApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "n")
        app.main.select("fc.net[0]")
        await press(pilot, "right")  # fc.net[1]
        assert app.main.selected == "fc.net[1]"
        assert set(traced(app)) == {"fc.weight[1,0]", "fc.weight[1,1]", "fc.bias[1]", "pool.out[0,0]",
                                    "pool.out[1,0]"}


async def test_d_switches_to_what_reads_the_value_then_off_then_back(app: CnnTuiApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "n")
        app.main.select("out.weight[1,0]")
        await pilot.pause()
        assert traced(app) == {}  # a given weight reads nothing
        await press(pilot, "d")
        assert traced(app) == {"out.net[1]": "value", "fc.grad_out[0]": "gradient", "fc.delta[0]": "gradient",
                               "out.new_weight[1,0]": "param"}
        assert "every value that reads it (4 marked" in message(app)
        assert "out.weight[1,0] read by 4 values" in derivation(app)
        await press(pilot, "d")
        assert traced(app) == {}
        assert "trace off" in message(app)
        assert "trace" not in derivation(app).split("\n")[-1]
        await press(pilot, "d")
        app.main.select("out.new_weight[1,0]")
        await pilot.pause()
        assert traced(app) == {"out.weight[1,0]": "param", "out.delta[1]": "gradient", "fc.out[0]": "value"}


async def test_the_max_pool_winner_is_marked_as_chosen(app: CnnTuiApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "F")
        app.main.select("pool.out[0,0]")
        await pilot.pause()
        assert traced(app) == {"conv.out[0,0]": "value", "conv.out[0,1]": "chosen"}
        assert "chosen by the max: conv.out[0,1]" in derivation(app)


async def test_after_a_whole_iteration_only_the_update_is_marked_just_computed(app: CnnTuiApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "n")
        assert cell_state(app, "out.new_weight[0,0]") == "fresh"
        assert cell_state(app, "fc.net[0]") == "plain"
        assert cell_state(app, "out.delta[0]") == "plain"
        await press(pilot, "z", "F")  # a whole forward pass: its last step is the output layer and the loss
        assert cell_state(app, "out.out[0]") == "fresh"
        assert cell_state(app, "loss") == "fresh"
        assert cell_state(app, "conv.out[0,0]") == "plain"


async def test_trace_and_fresh_marks_are_separate(app: CnnTuiApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "n")
        app.main.select("out.new_bias[0]")
        await pilot.pause()
        marks = traced(app)
        assert marks == {"out.bias[0]": "param", "out.delta[0]": "gradient"}
        assert cell_state(app, "out.delta[0]") == "plain"  # traced, not just computed
        assert cell_state(app, "out.new_bias[1]") == "fresh"  # just computed, not traced
        assert "out.new_bias[1]" not in marks


async def test_trace_key_is_in_the_palette_and_help(app: CnnTuiApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        titles = [c.title for c in app.get_system_commands(app.main)]
        assert any(t.startswith("Trace the selected value") and t.endswith("(d)") for t in titles)
        await press(pilot, "question_mark")
        await pilot.pause()
        from textual.widgets import Static

        shown = " ".join(str(getattr(s.content, "plain", s.content)) for s in app.screen.query(Static))
        assert "trace the selected value" in shown


async def test_a_heatmap_panel_marks_the_traced_values_with_a_marker_glyph() -> None:
    from core.scenario.catalog import load
    from tui.widgets.heatmap.heatmap_view import HeatmapView

    app = CnnTuiApp(load("digits"))
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "escape", "F")
        app.main.select("conv.net[0,0,3,3]")
        await pilot.pause()
        view = app.main.panel("input").heatmap
        assert isinstance(view, HeatmapView) and app.main.panel("input").mode == "heatmap"
        [block] = view.blocks
        # the 3×3 window around pixel (3, 3) of sample 1 in the flat order of input [8, 1, 8, 8]
        assert block.traced == frozenset(r * 8 + c for r in (2, 3, 4) for c in (2, 3, 4))
        drawn = "".join(seg.text for y in range(view.size.height) for seg in view.render_line(y))
        assert "▚" in drawn
        app.main.select("conv.net[0,0,0,0]")
        await pilot.pause()
        assert app.main.panel("input").heatmap.blocks[0].traced == frozenset({0, 1, 8, 9})


async def test_what_reads_a_value_of_a_large_network_is_found_without_the_screen_waiting() -> None:
    from core.scenario.catalog import load

    app = CnnTuiApp(load("digits"))
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "escape", "n")
        app.main.select("out.weight[3,5]")
        await press(pilot, "d")  # the output layer's values are few: found at once
        trace = app.main.tracing.current()
        assert trace is not None and set(trace.names) == (
            {f"out.net[{b},3]" for b in range(8)} | {f"flat.grad_out[{b},5]" for b in range(8)}
            | {"out.new_weight[3,5]"})
        assert message(app).startswith("trace: every value that reads it (17 marked")
        app.main.select("conv.weight[0,0,1,1]")  # the conv layer's 16,000 values: in the background
        await pilot.pause()
        # in the background: said while it runs (a quiet machine may have finished it already)
        assert message(app) == "finding every value that reads conv.weight[0,0,1,1]…" or \
            message(app).startswith("trace: every value that reads it")
        await app.workers.wait_for_complete()
        await pilot.pause()
        trace = app.main.tracing.current()
        assert trace is not None and trace.direction == "read by"
        # the kernel's centre tap meets every pixel of every sample (padding 1), and the update
        assert set(trace.names) == ({f"conv.net[{b},0,{i},{j}]" for b in range(8) for i in range(8)
                                     for j in range(8)} | {"conv.new_weight[0,0,1,1]"})
        assert message(app).startswith("trace: every value that reads it (513 marked")
        assert "conv.weight[0,0,1,1] read by 513 values" in derivation(app)
