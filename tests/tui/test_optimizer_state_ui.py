"""The optimizer's state on screen: grouped under its parameter (the state an update starts
from under the weight, the state after it under the new weight), stepped by u, undone by z,
carried into the next iteration, and editable before the update."""

from __future__ import annotations

import pytest
from test_editing import start_edit, type_value
from tui_helpers import SIZE, cell, derivation, message, press, status

from core.numbers import fmt
from core.scenario.catalog import load
from core.scenario.load import parse_scenario
from tui.app import CnnTuiApp
from tui.widgets.panels.layer_panel import CellEditor

MOMENTUM = """\
format: 1
name: momentum on screen
input: [2]
samples:
  - {x: [0.5, -0.2], label: 0}
  - {x: [-0.3, 0.8], label: 1}
layers:
  - {name: out, type: dense, units: 2, activation: softmax,
     weight: [[0.2, -0.1], [-0.3, 0.25]], bias: [0.0, 0.1], frozen: [bias]}
loss: cross_entropy
learning_rate: 0.5
optimizer: {type: sgd, momentum: 0.9}
"""


async def test_u_shows_the_momentum_buffer_and_z_takes_it_back() -> None:
    app = CnnTuiApp(parse_scenario(MOMENTUM))
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "F", "B")
        assert cell(app, "out.momentum_buffer_weight[0,1]") == "·"
        await press(pilot, "u")
        stepper = app.stepper
        first = stepper.value("out.momentum_buffer_weight[0,1]")
        assert first == stepper.value("out.grad_weight[0,1]")  # torch starts the buffer at the first gradient
        assert cell(app, "out.momentum_buffer_weight[0,1]") == fmt(first, 3).replace("-", "−")
        app.main.select("out.momentum_buffer_weight[0,1]")
        await pilot.pause()
        assert "v′(w_out[0,1]) = δ_out[0]·x[1]" in derivation(app)
        await press(pilot, "z")
        assert cell(app, "out.momentum_buffer_weight[0,1]") == "·"
        await press(pilot, "u", "n")  # the update again, then the whole next iteration
        assert stepper.iteration == 2 and stepper.optimizer_state.step == 1
        second = stepper.value("out.momentum_buffer_weight[0,1]")
        assert second == 0.9 * first + stepper.value("out.grad_weight[0,1]")
        app.main.select("out.new_weight[0,1]")
        await pilot.pause()
        assert "w′_out[0,1] = w_out[0,1] − α·v′(w_out[0,1])" in derivation(app)


# --- Adam's state, grouped under its parameter; the state an update starts from, edited ---------------

ADAM_ROWS = ["weight", "m_w", "v_w", "bias", "m_b", "v_b", "net", "out", "∂out", "delta", "grad_w", "grad_b",
             "new_w", "m′_w", "v′_w", "new_b", "m′_b", "v′_b"]


def labels(app: CnnTuiApp, panel: str) -> list[str]:
    return [row.label for row in app.main.panel(panel).grid.rows if row.label]


async def test_adam_state_sits_under_its_parameter_and_steps_with_u_and_z() -> None:
    app = CnnTuiApp(load("adam-step"))
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "F", "B")
        assert labels(app, "out") == ADAM_ROWS
        assert cell(app, "out.prev_exp_avg_weight[0,0]") == "0.000"  # m starts at 0, as in torch
        assert cell(app, "out.exp_avg_weight[0,0]") == "·"
        await press(pilot, "u")
        stepper = app.stepper
        m = stepper.value("out.exp_avg_weight[0,0]")
        assert m == pytest.approx(0.1 * stepper.value("out.grad_weight[0,0]"), rel=1e-15)
        assert cell(app, "out.exp_avg_weight[0,0]") == "−0.031✓"  # the scenario's hand value
        assert cell(app, "out.exp_avg_sq_weight[0,0]") == "9.4e−5✓"
        app.main.select("out.new_weight[0,0]")
        await pilot.pause()
        text = derivation(app)
        assert "m̂ = m′(w_out[0,0]) / (1 − β₁ᵗ)" in text and "(1 − 0.9¹)" in text
        assert "w′_out[0,0] = w_out[0,0] − α·m̂ / (√v̂ + ε)" in text
        app.main.select("out.prev_exp_avg_weight[0,0]")
        await pilot.pause()
        assert "m(w_out[0,0]) = 0" in derivation(app) and "starts at 0, as in torch" in derivation(app)
        await press(pilot, "z")
        assert cell(app, "out.exp_avg_weight[0,0]") == "·" and cell(app, "out.new_weight[0,0]") == "·"


async def test_the_state_an_update_starts_from_can_be_edited_before_the_update() -> None:
    app = CnnTuiApp(load("adam-step"))
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "F", "B")
        editor = await start_edit(app, pilot, "out.prev_exp_avg_weight[0,0]")
        await type_value(pilot, editor, "0.5")
        assert not app.screen.query(CellEditor)
        assert cell(app, "out.prev_exp_avg_weight[0,0]") == "0.500"
        assert "out.prev_exp_avg_weight[0,0]: 0.000 → 0.500; the update starts from it" in message(app)
        await press(pilot, "u")
        stepper = app.stepper
        g = stepper.value("out.grad_weight[0,0]")
        assert stepper.value("out.exp_avg_weight[0,0]") == pytest.approx(0.9 * 0.5 + 0.1 * g, rel=1e-14)
        assert stepper.value("out.exp_avg_weight[0,1]") == pytest.approx(0.1 * stepper.value("out.grad_weight[0,1]"))
        app.main.select("out.exp_avg_weight[0,0]")
        await pilot.pause()
        assert "= 0.9·0.5 + 0.1·(−0.307)" in derivation(app)
        app.main.select("out.prev_exp_avg_weight[0,0]")
        await pilot.pause()
        assert "edited by you (it was 0)" in derivation(app)
        # edited after the update: the update is cleared and the phase goes back to it
        editor = await start_edit(app, pilot, "out.prev_exp_avg_sq_weight[1,1]")
        await type_value(pilot, editor, "0.01")
        assert cell(app, "out.exp_avg_weight[0,0]") == "·" and "update" in status(app)
        assert "cleared the update, which starts from it" in message(app)
        await press(pilot, "z", "z", "z")  # the second edit, the update, the first edit
        assert cell(app, "out.prev_exp_avg_weight[0,0]") == "0.000"
        assert stepper.optimizer_state.buffers == {}


async def test_the_computed_state_is_not_edited_and_sgds_buffer_waits_for_its_first_update() -> None:
    app = CnnTuiApp(parse_scenario(MOMENTUM))
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "F", "B")
        assert cell(app, "out.prev_momentum_buffer_weight[0,1]") == "·"
        app.main.select("out.prev_momentum_buffer_weight[0,1]")
        await pilot.pause()
        assert "has not started yet: the first update sets it from the gradient" in derivation(app)
        await press(pilot, "enter")
        assert not app.screen.query(CellEditor)
        assert "has not started yet: the first update sets it from the gradient" in message(app)
        await press(pilot, "u")
        app.main.select("out.momentum_buffer_weight[0,1]")
        await press(pilot, "enter")
        assert not app.screen.query(CellEditor) and "is computed, not given" in message(app)
        first = app.stepper.value("out.momentum_buffer_weight[0,1]")
        await press(pilot, "f")  # the next iteration starts from the first update's buffer
        assert cell(app, "out.prev_momentum_buffer_weight[0,1]") == fmt(first, 3).replace("-", "−")
        editor = await start_edit(app, pilot, "out.prev_momentum_buffer_weight[0,1]")
        await type_value(pilot, editor, "2")
        await press(pilot, "F", "B", "u")
        stepper = app.stepper
        assert stepper.value("out.momentum_buffer_weight[0,1]") == \
            pytest.approx(0.9 * 2 + stepper.value("out.grad_weight[0,1]"), rel=1e-14)


async def test_the_state_rows_are_reached_and_shown_at_80_by_24() -> None:
    app = CnnTuiApp(load("adam-step"))
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "F", "B", "u")
        app.main.select("out.weight[0,0]")
        await pilot.pause()
        await press(pilot, *["down"] * 20)  # weight, m, v, bias, …, new_w, m′_w: to v′_w
        assert app.main.selected == "out.exp_avg_sq_weight[0,0]"
        panel = app.main.panel("out")
        region = panel.grid.cell_region("out.exp_avg_sq_weight[0,0]")
        assert region is not None
        top = panel.scroll_offset.y
        assert top <= panel.grid.virtual_region.y + region.y < top + panel.scrollable_content_region.height
        assert "v′(w_out[0,0]) = β₂·v(w_out[0,0]) + (1 − β₂)·g²" in derivation(app)
