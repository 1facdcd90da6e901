"""Precision, derivation toggles, expected checks, navigation and small terminals."""

from __future__ import annotations

from tui_helpers import SIZE, cell, derivation, message, press


async def test_plus_and_minus_change_the_decimals(app):
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "F", "plus")
        assert cell(app, "out.out[0]") == "0.7065✓"
        assert "4 decimals" in message(app)
        await press(pilot, "minus", "minus")
        assert cell(app, "out.out[0]") == "0.71✓"
        for _ in range(3):
            await press(pilot, "minus")
        assert app.main.decimals == 0
        assert "between 0 and" in message(app)


async def test_p_shows_full_precision(app):
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "F")
        app.main.select("out.out[0]")
        await press(pilot, "p")
        assert "0.7064810786675425" in derivation(app)
        await press(pilot, "p")
        assert "0.7064810786675425" not in derivation(app) and "= 0.706" in derivation(app)


async def test_j_expands_the_softmax_cross_entropy_jacobian(app):
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "F", "b")
        assert app.main.selected == "out.delta[0]"
        assert "δ_out[0] = a_out[0] − y[0]" in derivation(app)
        assert "∂a_i/∂z_i" not in derivation(app)
        await press(pilot, "j")
        assert "∂a_i/∂z_i" in derivation(app)
        assert "a_i − y_i" in derivation(app)
        await press(pilot, "j")
        assert "∂a_i/∂z_i" not in derivation(app)


async def test_j_elsewhere_says_where_it_applies(app):
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "j")
        assert "output delta" in message(app)


async def test_expected_slip_shows_cross_and_exact_value(app):
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "F", "B")
        assert cell(app, "fc.delta[0]").endswith("✗")
        app.main.select("fc.delta[0]")
        await pilot.pause()
        text = derivation(app)
        assert "expected −0.026 ✗" in text
        assert "exact value is −0.0140" in text
        app.main.select("out.delta[0]")
        await pilot.pause()
        assert "✓" in derivation(app)


async def test_shift_x_jumps_to_the_next_cross(app):
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "X")
        assert "no expected value" in message(app)
        await press(pilot, "F", "B", "X")
        first = app.main.selected
        assert cell(app, first).endswith("✗")
        await press(pilot, "X")
        assert app.main.selected != first and cell(app, app.main.selected).endswith("✗")


async def test_arrows_move_within_and_across_panels(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.main.selected == "input[0,0]"
        await press(pilot, "down")
        assert app.main.selected == "input[0,1]"  # the 1×4 input is a column
        await press(pilot, "right")  # off the right edge: the conv panel
        assert app.main.selected.startswith("conv.")
        assert app.focused is app.main.panel("conv").grid
        assert app.main.selected == "conv.weight[1,0,0]"  # the same line as where it left
        await press(pilot, "down")
        assert app.main.selected == "conv.bias[0]"
        await press(pilot, "left")
        assert app.focused is app.main.panel("input").grid


async def test_tab_moves_between_panels(app):
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "tab")
        assert app.focused is app.main.panel("conv").grid
        await press(pilot, "tab", "tab")
        assert app.focused is app.main.panel("fc").grid
        assert app.main.selected.startswith("fc.")
        await press(pilot, "shift+tab")
        assert app.focused is app.main.panel("pool").grid


async def test_click_selects_a_value(app):
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "F")
        grid = app.main.panel("fc").grid
        region = grid.cell_region("fc.out[1]")
        await pilot.click(grid, offset=(region.x + 1, region.y))
        await pilot.pause()
        assert app.main.selected == "fc.out[1]"
        assert "σ(z_fc[1])" in derivation(app)


async def test_small_terminal_and_resize(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "F", "B", "u")
        app.main.select("out.new_weight[0,0]")
        await pilot.pause()
        assert app.main.panel("out").grid.region.width > 0
        assert "0.189" in derivation(app)
        await pilot.resize_terminal(120, 36)
        await pilot.pause()
        await pilot.resize_terminal(60, 20)
        await press(pilot, "z")
        assert "undid update" in message(app)


async def test_light_theme_renders(app):
    async with app.run_test(size=SIZE) as pilot:
        app.theme = "textual-light"
        await press(pilot, "F")
        assert cell(app, "out.out[0]") == "0.706✓"


async def test_bracket_keys_scroll_a_long_derivation():
    """Found driving the app: with the Jacobian steps open at 80×24 the derivation was cut off
    and could only be scrolled with the mouse."""
    from core.scenario.catalog import load
    from tui.app import CnnTuiApp
    from tui.widgets.derivation_view import DerivationView

    app = CnnTuiApp(load("tiny-cnn"))
    async with app.run_test(size=(80, 24)) as pilot:
        for key in ("F", "b"):
            await pilot.press(key)
        app.main.select("out.delta[0]")
        await pilot.press("j")
        await pilot.pause()
        view = app.query_one(DerivationView)
        assert view.max_scroll_y > 0
        await pilot.press("]")
        await pilot.pause()
        assert view.scroll_y > 0
        await pilot.press("[")
        await pilot.pause()
        assert view.scroll_y == 0


async def test_row_labels_are_readable_in_the_light_theme():
    """Found checking the light theme: the grids' labels were white on white ("auto" colours
    resolved away from the screen's background)."""
    from core.scenario.catalog import load
    from tui.app import CnnTuiApp

    app = CnnTuiApp(load("tiny-cnn"))
    async with app.run_test(size=(120, 36)) as pilot:
        app.theme = "textual-light"
        await pilot.pause()
        grid = app.main.panel("fc").grid
        colour = grid._style("value-grid--label").color
        assert colour is not None and sum(colour.get_truecolor()) < 3 * 128  # dark text on a light theme
