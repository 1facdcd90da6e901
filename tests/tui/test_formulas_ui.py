"""The derivation panel's share of 'every formula checkable by hand' (issue 11): an elided
sum says how many terms it leaves out and which key lists them all; checks only for the
iteration the expected values belong to."""

from __future__ import annotations

from tui_helpers import SIZE, cell, derivation, press

from core.scenario.catalog import load
from tui.app import CnnTuiApp
from tui.bindings import key_for


async def test_an_elided_sum_says_how_many_terms_and_which_key_shows_them():
    app = CnnTuiApp(load("x-vs-o"))
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "f")
        app.main.select("conv.net[0,0,0]")
        await pilot.pause()
        text = derivation(app)
        assert "+ … (3 more terms) + b_conv[0]" in text
        assert f"3 more terms not shown: {key_for('full_precision')} (full precision) lists every term" in text
        await press(pilot, "p")
        text = derivation(app)
        assert "more terms" not in text and "+ …" not in text  # (the trace's list of names may say "… and 1 more")
        assert "w_conv[0,0,2,2]·x[0,2,2]" in text  # the ninth term


async def test_iteration_two_has_no_checks_of_iteration_one_expected_values(app):
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "F")
        assert cell(app, "out.out[0]").endswith("✓")
        await press(pilot, "n", "n")
        assert app.main.stepper.iteration == 2
        assert not cell(app, "out.out[0]").endswith(("✓", "✗", "≈"))
        app.main.select("out.out[0]")
        await pilot.pause()
        text = derivation(app)
        assert "✓" not in text and "✗" not in text
        assert "expected 0.706 is for iteration 1" in text
