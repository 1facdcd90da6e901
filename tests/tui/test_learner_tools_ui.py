"""x (my answer), R (hand-rounding), e (export) and g (gradient check) on tiny-cnn."""

from __future__ import annotations

import yaml
from textual.widgets import Input, OptionList
from tui_helpers import SIZE, cell, derivation, message, press, status

from core.scenario.catalog import load
from tui.app import CnnTuiApp
from tui.screens.confirm_screen import ConfirmScreen
from tui.screens.export_screen import ExportScreen
from tui.widgets.editing.answer_editor import AnswerEditor


async def my_answer(app, pilot, name: str, text: str) -> None:
    app.main.select(name)
    await press(pilot, "x")
    editor = app.screen.query_one(AnswerEditor)
    assert editor.quantity == name and app.focused is editor
    editor.value = text
    await press(pilot, "enter")
    await pilot.pause()


async def test_my_answer_is_checked_and_saved_under_expected(tiny_copy):
    app = CnnTuiApp(load(str(tiny_copy)))
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "F")
        await my_answer(app, pilot, "fc.net[0]", "0.44")
        assert not app.screen.query(AnswerEditor)
        assert "✓ your 0.44 for fc.net[0] is right" in message(app)
        assert cell(app, "fc.net[0]") == "0.440✓"
        assert "expected 0.44 ✓" in derivation(app)
        assert "[unsaved]" in status(app)
        await my_answer(app, pilot, "fc.net[1]", "abc")
        assert "not a number" in message(app)  # refused, the editor stays
        editor = app.screen.query_one(AnswerEditor)
        editor.value = "-0.50"  # 0.06 off: more than 0.01
        await press(pilot, "enter")
        assert cell(app, "fc.net[1]") == "−0.440✗"
        await press(pilot, "B")
        await my_answer(app, pilot, "fc.delta[0]", "−0.026")
        assert "✗ your −0.026 for fc.delta[0]: the exact value is −0.0140" in message(app)
        assert "likely slip: updated-weights" in message(app)
        assert "likely slip" in derivation(app) and "already-updated weights" in derivation(app)
        await my_answer(app, pilot, "pool.grad_out[1,0]", "")  # empty removes it
        assert "removed your answer for pool.grad_out[1,0]" in message(app)
        await press(pilot, "s")
        await pilot.pause()
        assert "saved to" in message(app)
    expected = yaml.safe_load(tiny_copy.read_text())["expected"]
    assert expected["fc.net[0]"] == 0.44 and expected["fc.net[1]"] == -0.5
    assert expected["fc.delta[0]"] == -0.026
    assert "pool.grad_out[1,0]" not in expected
    assert "fc.net[0]: 0.44" in tiny_copy.read_text()


async def test_my_answer_before_the_value_is_computed(app):
    async with app.run_test(size=SIZE) as pilot:
        await my_answer(app, pilot, "out.out[0]", "0.7065")
        assert "checked once out.out[0] is computed" in message(app)
        await press(pilot, "F")
        assert cell(app, "out.out[0]") == "0.706✓"


async def test_hand_rounding_is_marked_and_changes_the_values(app):
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "R")
        assert "HAND-ROUNDING 3dp" in status(app)
        assert "hand-rounding on" in message(app)
        await press(pilot, "n")
        assert cell(app, "conv.delta[0,1]").startswith("2.33e−4")  # the 3 digits the pass uses
        await press(pilot, "plus")
        assert "HAND-ROUNDING 4dp" in status(app) and "hand-rounding now to 4 decimals" in message(app)
        assert cell(app, "conv.delta[0,1]") == "·"  # rounded differently: computed again
        await press(pilot, "R", "minus")
        assert "HAND-ROUNDING" not in status(app)
        await press(pilot, "n")
        assert cell(app, "conv.delta[0,1]").startswith("3.3e−4")  # compact in a cell
        app.main.select("conv.delta[0,1]")
        await pilot.pause()
        assert "0.000326" in derivation(app)  # in full below


async def export(app, pilot, option: str, path) -> None:
    await press(pilot, "e")
    await pilot.pause()
    assert isinstance(app.screen, ExportScreen)
    options = app.screen.query_one(OptionList)
    options.highlighted = options.get_option_index(option)
    await press(pilot, "enter")
    box = app.screen.query_one("#export-path", Input)
    assert app.screen.focused is box and box.value.endswith({"markdown": ".md", "latex": ".tex",
                                                              "pytorch": ".py"}[option])
    box.value = str(path)
    await press(pilot, "enter")
    await pilot.pause()


async def test_export_writes_each_format(app, tmp_path):
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "e")
        assert "nothing to export yet — n completes the iteration (export needs a complete iteration" \
            in message(app)
        assert not isinstance(app.screen, ExportScreen)
        await press(pilot, "n")
        starts = {"markdown": "# tiny-cnn", "latex": "\\documentclass", "pytorch": "#!/usr/bin/env python3"}
        for fmt, suffix in (("markdown", ".md"), ("latex", ".tex"), ("pytorch", ".py")):
            target = tmp_path / f"iteration{suffix}"
            await export(app, pilot, fmt, target)
            assert target.read_text().startswith(starts[fmt])
            assert f"to {target}" in message(app)
        await export(app, pilot, "markdown", tmp_path / "iteration.md")  # exists: asks first
        assert isinstance(app.screen, ConfirmScreen)
        await press(pilot, "y")


async def test_export_default_path_is_named_after_the_iteration(app):
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "n", "e")
        await pilot.pause()
        assert app.screen.query_one("#export-path", Input).value.endswith("tiny-cnn-iteration-1.md")
        await press(pilot, "escape")
        assert "export cancelled" in message(app)


async def test_gradient_check_beside_backprop(app):
    async with app.run_test(size=SIZE) as pilot:
        app.main.select("fc.weight[0,1]")
        await press(pilot, "g")
        assert "no gradient check" in message(app) and "not computed yet" in message(app)
        await press(pilot, "F", "B")
        app.main.select("fc.weight[0,1]")
        await press(pilot, "g")
        text = derivation(app)
        assert "gradient check of fc.weight[0,1]" in text
        assert "−0.005380137256" in text and "−0.005380137225" in text
        assert "relative error" in text and "5.7e-09" in text and "✓ they agree" in text
        assert "relative error 5.7e-09, they agree" in message(app)
        app.main.select("fc.out[0]")
        await press(pilot, "g")
        assert "needs one weight or bias" in message(app)


async def test_my_answer_on_a_heatmap_value_beyond_eight_by_eight():
    """Found driving the app: x refused values that only a heatmap panel shows."""
    app = CnnTuiApp(load("digits"))
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "F")
        name = "conv.out[7,7,7,7]"  # sample 8 of the batch, filter 8: past any 8×8 number grid
        assert app.main.panel("conv").mode == "heatmap"
        exact = app.stepper.value(name)
        await my_answer(app, pilot, name, f"{exact + 1:.3f}")
        assert f"your {exact + 1:.3f}".replace("-", "−") in message(app) and "✗" in message(app)
        assert name in app.stepper.scenario.expected


async def test_my_answer_is_for_computed_values_only(app):
    """Found trying it: x on an input value was accepted and saved as an expected value."""
    async with app.run_test(size=SIZE) as pilot:
        app.main.select("input[0,0]")
        await press(pilot, "x")
        assert not app.screen.query(AnswerEditor)
        assert "input[0,0] is given, not computed" in message(app)
