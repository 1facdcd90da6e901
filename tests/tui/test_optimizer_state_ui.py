"""The optimizer's state on screen: sgd's momentum buffer beside the weights, stepped by u,
undone by z, carried into the next iteration."""

from __future__ import annotations

from tui_helpers import SIZE, cell, derivation, press

from core.numbers import fmt
from core.scenario.load import parse_scenario
from tui.app import CnnTuiApp

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
