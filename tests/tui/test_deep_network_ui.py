"""A network longer than the panels mounted at once: the window of panels follows the steps,
the selection and the arrow keys, and every panel it shows has the stepper's numbers."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static
from tui_helpers import SIZE, cell, derivation, press, status

from core.scenario.catalog import load
from tui.app import CnnTuiApp
from tui.widgets.panels.layer_rows import cell_text
from tui.widgets.panels.panel_window import CONTEXT, WINDOW, window_keys, window_start

LAYERS = 60  # 62 panels with the input and the loss


def deep_scenario(tmp_path: Path, layers: int = LAYERS) -> Path:
    lines = ["format: 1", f"name: deep-{layers}", "input: [2]", "samples:", "  - x: [0.5, -0.25]",
             "    y: [1, 0]", "layers:"]
    lines += [f"  - {{name: d{i}, type: dense, units: 2, activation: tanh}}" for i in range(layers - 1)]
    lines += ["  - {name: out, type: dense, units: 2, activation: softmax}", "loss: cross_entropy",
              "learning_rate: 0.1", "seed: 3", "init: xavier"]
    path = tmp_path / "deep.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def shown(app: CnnTuiApp) -> list[str]:
    return [panel.key for panel in app.main.panels]


def markers(app: CnnTuiApp) -> list[str]:
    return [str(widget.content) for widget in app.main.query(".panels-more").results(Static)]


def assert_numbers_match(app: CnnTuiApp) -> None:
    """Every computed value of every mounted panel is the stepper's, as the grid writes it."""
    stepper, decimals = app.main.stepper, app.main.decimals
    checked = 0
    for panel in app.main.panels:
        for row in panel.grid.rows:
            for c in row.cells:
                kind = c.name.split("[")[0].rpartition(".")[2]
                if kind in ("out", "net", "delta", "grad_out") and stepper.has(c.name.split("[")[0]):
                    assert c.text == cell_text(stepper.value(c.name), decimals), c.name
                    checked += 1
    assert checked > 0


def test_the_window_moves_only_when_the_wanted_panel_is_outside_it() -> None:
    count = LAYERS + 2
    assert window_start(12, 0, 11) == 0  # a short network: everything, always
    assert window_start(count, 0, WINDOW - 1) == 0
    assert window_start(count, 0, WINDOW) == WINDOW - CONTEXT  # forward: near the left edge
    assert window_start(count, 30, 29) == 29 - (WINDOW - 1 - CONTEXT)  # backward: near the right edge
    assert window_start(count, 0, count - 1) == count - WINDOW  # never past the end
    keys = [f"k{i}" for i in range(count)]
    assert window_keys(keys, count - WINDOW - 1)[-2:] == keys[-2:]  # the output layer keeps the loss below it
    assert len(window_keys(keys, count - WINDOW - 1)) == WINDOW


async def test_a_deep_network_mounts_one_window_of_panels(tmp_path: Path) -> None:
    app = CnnTuiApp(load(str(deep_scenario(tmp_path))))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert shown(app) == ["input", *(f"d{i}" for i in range(WINDOW - 1))]
        assert markers(app) == [f"{LAYERS + 2 - WINDOW} more ▶"]
        assert "forward 1/60: d0" in status(app)


async def test_stepping_past_the_window_moves_it_and_shows_the_stepper_numbers(tmp_path: Path) -> None:
    app = CnnTuiApp(load(str(deep_scenario(tmp_path))))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for _ in range(WINDOW + 3):
            await press(pilot, "f")
        await pilot.pause()
        layer = f"d{WINDOW + 2}"
        assert "forward 28/60: d27" in status(app)
        assert layer in shown(app) and len(shown(app)) == WINDOW
        assert app.main.selected == f"{layer}.out[0]"
        value = app.main.stepper.value(f"{layer}.out[0]")
        assert cell(app, f"{layer}.out[0]") == cell_text(value, app.main.decimals)
        assert f"{layer}.out[0]" in derivation(app)
        assert_numbers_match(app)
        first = int(shown(app)[0][1:])
        assert markers(app) == [f"◀ {first + 1} more", f"{LAYERS + 2 - first - 1 - WINDOW} more ▶"]
        await press(pilot, "F")  # the rest of the forward pass, the loss under the output layer
        await pilot.pause()
        app.main.select("loss")
        await pilot.pause()
        assert shown(app)[-2:] == ["out", "loss"]
        assert markers(app) == [f"◀ {LAYERS + 2 - WINDOW} more"]
        assert cell(app, "loss") == cell_text(app.main.stepper.value("loss"), app.main.decimals)
        assert_numbers_match(app)


async def test_the_arrow_keys_move_the_window_at_its_edge(tmp_path: Path) -> None:
    app = CnnTuiApp(load(str(deep_scenario(tmp_path))))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await press(pilot, "F")
        await pilot.pause()
        last = shown(app)[-1]
        app.main.select(f"{last}.out[1]")  # the right-hand cell of the last panel mounted
        await pilot.pause()
        await press(pilot, "right")
        await pilot.pause()
        following = f"d{int(last[1:]) + 1}"
        assert following in shown(app)
        assert app.main.selected == f"{following}.out[0]"
        assert app.focused is app.main.panel(following).view
        assert_numbers_match(app)
        await press(pilot, "left")
        await pilot.pause()
        assert app.main.selected == f"{last}.out[1]"
