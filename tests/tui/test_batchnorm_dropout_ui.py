"""Batch norm and dropout in the TUI: their statistics grouped in the layer's panel in the
order worked by hand, readable at 80×24, derivations shown, the dropout mask edited like
an input."""

from __future__ import annotations

from tui_helpers import SIZE, cell, derivation, message, press, status

from core.scenario.catalog import load
from tui.app import CnnTuiApp
from tui.widgets.panels.layer_panel import CellEditor


def _labels(app: CnnTuiApp, key: str) -> list[str]:
    return [row.label for row in app.main.panel(key).grid.rows if row.label]


async def test_batch_norm_panel_groups_its_statistics_in_order():
    app = CnnTuiApp(load("batchnorm-tiny"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert _labels(app, "bn")[:9] == ["γ", "β", "mean", "var", "xhat", "net", "out", "run_mean", "run_var"]
        assert cell(app, "bn.var[0]") == "·"
        await press(pilot, "F")
        assert cell(app, "bn.mean[0]") == "2.000✓"
        assert cell(app, "bn.var[0]") == "2.500✓"
        assert cell(app, "bn.running_var[0]") == "1.233✓"
        app.main.select("bn.var[0]")
        await pilot.pause()
        assert "((1 − 2)² + (3 − 2)² + (0 − 2)² + (4 − 2)²) / 4" in derivation(app)
        await press(pilot, "B")
        app.main.select("fc.grad_out[1,0]")
        await pilot.pause()
        text = derivation(app)
        assert "Σ∂C/∂x̂·x̂" in text and "(1/(4·√(σ²_bn[0] + ε)))" in text


async def test_batch_norm_is_readable_at_80_by_24():
    app = CnnTuiApp(load("batchnorm-tiny"))
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "F")
        panel = app.main.panel("bn")
        assert panel.region.width >= 24 and panel.region.height >= 10
        shown = [row.label for row in panel.grid.rows[: panel.region.height - 2] if row.label]
        assert shown[:4] == ["γ", "β", "mean", "var"]  # the statistics next to the parameters
        assert "forward pass" in message(app)


async def test_the_dropout_mask_is_edited_like_an_input():
    app = CnnTuiApp(load("dropout-tiny"))
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "F")
        assert cell(app, "drop.mask[1]") == "0" and cell(app, "drop.out[1]") == "0.000"  # a mask is 0 or 1
        app.main.select("drop.mask[1]")
        await press(pilot, "enter")
        editor = app.screen.query_one(CellEditor)
        editor.value = ""
        await pilot.press("1")
        await press(pilot, "enter")
        assert cell(app, "drop.mask[1]") == "1"
        assert cell(app, "drop.out[1]") == "·" and cell(app, "h.out[1]") == "0.200"
        assert "forward 2/3: drop" in status(app)
        await press(pilot, "f")
        assert cell(app, "drop.out[1]") == "0.400"
        app.main.select("drop.out[1]")
        await pilot.pause()
        assert "a_h[1]·mask_drop[1] / (1 − p)" in derivation(app)
        app.main.select("drop.mask[0]")
        await press(pilot, "enter")
        editor = app.screen.query_one(CellEditor)
        editor.value = ""
        await pilot.press("0", ".", "5")
        await press(pilot, "enter")
        assert "a dropout mask holds 1 (kept) or 0 (dropped) only" in message(app)
        await press(pilot, "escape")
        assert cell(app, "drop.mask[0]") == "1"
