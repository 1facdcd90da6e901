"""A loss whose output saturated is written so that a calculator gives its value.

Where softmax or sigmoid gives an output of exactly 0 (or 1) in float64, the usual text
−Σ y_i·ln a_i asks for ln 0, while the value was taken from the logits and is finite
(1999.72 here): the derivation then writes the logit form the value was computed by. By
hand (hand-rounding), the value is the loss of the rounded output, ln floored at the
tiniest float, and the usual text stays with a note saying so.
"""

from __future__ import annotations

import numpy as np
import pytest
from fixtures.formula_check import check_line, derivation_lines, evaluate

from core.engine.stepper import Stepper
from core.explain.explainer import explain
from core.exports.report import render_text, solve
from core.scenario.catalog import resolve
from core.scenario.load import parse_scenario

CASES = [  # (output activation, loss, the output layer's biases)
    ("softmax", "cross_entropy", "[-1000, 1000]"),
    ("softmax", "cross_entropy", "[1000, -1000]"),  # the target's output is the one that is 1
    ("sigmoid", "cross_entropy", "[-1000, 1000]"),
    ("sigmoid", "binary_cross_entropy", "[-1000, 1000]"),
    ("sigmoid", "binary_cross_entropy", "[40, -40]"),  # ln(1 + e^(−40.1)) is e^(−40.1) in float64
    ("sigmoid", "binary_cross_entropy", "[36.1, -1000]"),  # 1 + e^(−36.2) on a calculator keeps a digit of it
    ("sigmoid", "binary_cross_entropy", "[31, -1000]"),
    ("sigmoid", "binary_cross_entropy", "[15, -1000]"),  # e^(−15.1) is above 1e−8: ln(1 + …) written
]


def _scenario(activation: str, loss: str, bias: str, y: str = "[1, 0]", weight: str = "[[0.1, 0.2], [-0.1, -0.2]]"):
    text = resolve("tiny-cnn").read_text(encoding="utf-8")
    for old, new in (("weight: [[0.1, 0.2], [-0.1, -0.2]], bias: [0.3, -0.3]}\nloss",
                      f"weight: {weight}, bias: {bias}}}\nloss"),
                     ("units: 2, activation: softmax", f"units: 2, activation: {activation}"),
                     ("loss: cross_entropy", f"loss: {loss}"), ("    y: [1, 0]", f"    y: {y}")):
        assert old in text
        text = text.replace(old, new)
    return parse_scenario(text, file="saturated.yaml")


def _loss_lines(scenario, hand_rounding: int | None) -> list[str]:
    with np.errstate(all="ignore"):
        text = render_text(scenario, solve(scenario, 2, explained=True, hand_rounding=hand_rounding))
    return [line for line in derivation_lines(text) if line.startswith(("C =", "E ="))]


@pytest.mark.parametrize(("activation", "loss", "bias"), CASES)
def test_the_loss_of_a_saturated_output_reproduces_from_its_logits(activation: str, loss: str, bias: str) -> None:
    scenario = _scenario(activation, loss, bias)
    lines = _loss_lines(scenario, None)
    assert len(lines) == 2  # two iterations
    for line in lines:
        assert " ln 0" not in line and "ln(1 − 1)" not in line, line
        assert check_line(line).problem is None, line
    stepper = Stepper(scenario)
    stepper.run_iteration()
    exact = explain(stepper, "loss", decimals=None)  # every number as stored
    value = float(stepper.state.values["loss"])
    # to 8 significant digits at least (ln(1 + x) of a tiny x is written x below 1e−8)
    assert np.isfinite(value) and evaluate(exact.substituted) == pytest.approx(value, rel=1e-8, abs=0)


def test_the_saturated_form_says_why_it_is_written() -> None:
    stepper = Stepper(_scenario("softmax", "cross_entropy", "[-1000, 1000]"))
    stepper.run_iteration()
    derivation = explain(stepper, "loss")
    assert derivation.formula == "ln(e^(z_out[0] − m) + e^(z_out[1] − m)) − (y[0]·(z_out[0] − m) + y[1]·(z_out[1] − m))"
    assert any("written from the logits" in note for note in derivation.notes)
    assert not any("so it stays finite" in note for note in derivation.notes)  # the usual note is replaced


def test_an_unsaturated_output_keeps_the_usual_text() -> None:
    lines = _loss_lines(_scenario("softmax", "cross_entropy", "[0.3, -0.3]"), None)
    assert lines[0].startswith("C = −(y[0]·ln a_out[0] + y[1]·ln a_out[1]) = −(1·ln ")


def test_by_hand_the_rounded_output_s_floored_ln_is_said() -> None:
    """A softmax output rounded to 0 by hand: ln 0, floored at the tiniest float (708.396)."""
    scenario = _scenario("softmax", "cross_entropy", "[-1000, 1000]")
    stepper = Stepper(scenario)
    stepper.set_hand_rounding(scenario.decimals)
    stepper.run_iteration()
    assert float(stepper.state.values["loss"]) == pytest.approx(708.396, abs=1e-3)
    derivation = explain(stepper, "loss")
    assert derivation.formula.startswith("−(y[0]·ln a_out[0]")
    assert any("takes ln of the tiniest float64" in note for note in derivation.notes)
    assert not any("computed from the logits" in note for note in derivation.notes)  # not how it was computed


def test_huge_logits_and_soft_targets_are_written_without_cancelling() -> None:
    """Logits near 1e18 with targets 0.3 / 0.7: every z_i − m is taken first, as the value is
    (written (Σy)·(m + ln Σ …) − Σ y·z, the 1e18s cancelled and gave 1536 for 1433.6)."""
    scenario = _scenario("softmax", "cross_entropy", "[1.0e+18, 9.99999999999997952e+17]", y="[0.3, 0.7]",
                         weight="[[0.0, 0.0], [0.0, 0.0]]")
    stepper = Stepper(scenario)
    stepper.run_iteration()
    value = float(stepper.state.values["loss"])
    assert value == pytest.approx(0.7 * 2048, rel=1e-12, abs=0)
    exact = explain(stepper, "loss", decimals=None)
    assert exact.formula.startswith("ln(e^(z_out[0] − m)")
    assert evaluate(exact.substituted) == pytest.approx(value, rel=1e-12, abs=0)


@pytest.mark.parametrize("decimals", [3, None])
def test_by_hand_at_any_precision_the_loss_is_the_rounded_output_s(decimals: int | None) -> None:
    """Hand-rounding on, the derivation shown to full precision (as the derivation view does):
    still the rounded output's loss, never the logit form (whose numbers gave 1999.72 for 708.396)."""
    scenario = _scenario("softmax", "cross_entropy", "[-1000, 1000]")
    stepper = Stepper(scenario)
    stepper.set_hand_rounding(scenario.decimals)
    stepper.run_iteration()
    derivation = explain(stepper, "loss", decimals=decimals)
    assert derivation.formula.startswith("−(y[0]·ln a_out[0]")
    assert any("takes ln of the tiniest float64" in note for note in derivation.notes)
    assert not any("from the logits" in note for note in derivation.notes)


def test_a_result_in_scientific_notation_is_told_by_its_exponent() -> None:
    """The half-way note (0.1895 ≈ 0.190) is never given to a result written with an
    exponent, which has no decimal places to round to; told by digit, e, digit."""
    from core.explain.explainer import _SCIENTIFIC

    assert all(_SCIENTIFIC.search(text) for text in ("1.467e299", "3.7e−18", "−2e+5", "5e-324"))
    assert not any(_SCIENTIFIC.search(text) for text in ("0.190", "−0.0140", "∞", "nan", "12"))
