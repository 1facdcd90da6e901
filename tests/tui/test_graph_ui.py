"""The residual-block scenario in the TUI: panels, titles naming a layer's inputs, stepping."""

from __future__ import annotations

import pytest
from fixtures.cli_run import FIXTURES
from tui_helpers import SIZE, cell, derivation, message, press, status

from core.scenario.catalog import load
from tui.app import CnnTuiApp

# the add layer alone (the bundled residual-block now has batch norm on its inner path)
RESIDUAL_PLAIN = str(FIXTURES / "scenarios" / "residual-plain.yaml")


@pytest.fixture
def residual() -> CnnTuiApp:
    return CnnTuiApp(load(RESIDUAL_PLAIN))


async def test_panel_titles_show_inputs_only_where_they_are_not_the_previous_layer(residual):
    async with residual.run_test(size=SIZE) as pilot:
        await pilot.pause()
        titles = {p.key: str(p.border_title) for p in residual.main.panels}
        assert [p.key for p in residual.main.panels] == ["input", "h1", "h2", "skip", "out", "loss"]
        assert titles["skip"] == "[b]skip[/b] add 2 · relu ← h1 + h2"
        assert "←" not in titles["h1"] + titles["h2"] + titles["out"]
        assert cell(residual, "skip.net[0]") == "·"
        with pytest.raises(AssertionError):
            cell(residual, "skip.weight[0,0]")  # an add layer has no parameters to show


async def test_stepping_the_residual_block_with_f_b_u_and_undo(residual):
    async with residual.run_test(size=SIZE) as pilot:
        await press(pilot, "F")
        assert cell(residual, "skip.net[0]") == "0.570✓"
        assert cell(residual, "skip.out[1]") == "0.580"
        assert "backward 1/4: out" in status(residual)
        await press(pilot, "B")
        assert cell(residual, "h1.grad_out[0]") == "−0.255✓"
        assert cell(residual, "skip.delta[0]") == "−0.318✓"
        assert "update" in status(residual)
        residual.main.select("h1.grad_out[0]")
        await pilot.pause()
        text = derivation(residual)
        assert "(δ_h2[0]·w_h2[0,0] + δ_h2[1]·w_h2[1,0]) + δ_skip[0]" in text
        assert "from 'skip': δ_skip[0] = −0.318" in text
        await press(pilot, "u")
        assert cell(residual, "h1.new_bias[0]") == "0.151"
        assert "updated" in status(residual)
        await press(pilot, "z")
        assert cell(residual, "h1.new_bias[0]") == "·"
        await press(pilot, "z")
        assert cell(residual, "h1.grad_out[0]") == "·"
        assert cell(residual, "skip.net[0]") == "0.570✓"


async def test_heatmap_and_gradient_check_on_the_residual_block(residual):
    async with residual.run_test(size=SIZE) as pilot:
        await press(pilot, "F", "B")
        residual.main.select("h1.weight[0,1]")
        await press(pilot, "g")
        assert "gradient check of h1.weight[0,1]" in message(residual) and "they agree" in message(residual)
        residual.main.select("skip.net[0]")
        await press(pilot, "h")
        assert message(residual).startswith("skip: heatmap")


async def test_a_backward_step_on_the_add_layer_selects_its_delta(residual):
    async with residual.run_test(size=SIZE) as pilot:
        await press(pilot, "F", "b", "b")
        assert "backward 3/4: h2" in status(residual)
        assert residual.main.selected == "skip.delta[0]"
        assert "δ_skip[0] = (δ_out[0]·w_out[0,0] + δ_out[1]·w_out[1,0]) · [z_skip[0] > 0]" in derivation(residual)
