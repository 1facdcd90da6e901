"""Numbers near float64's ends (1e300, 1e−310, ∞) never give a traceback: `solve` (text,
markdown, hand-rounded, JSON) writes ∞ and scientific numbers honestly or refuses with one
message; the checks round to any count of places a file's expected value is written with."""

from __future__ import annotations

import importlib.util
import json
import math
from pathlib import Path

import numpy as np
import pytest

from core.engine.stepper import Stepper
from core.errors import CnnTuiError
from core.exports.pytorch import to_pytorch
from core.exports.report import solve, stream_text, to_json
from core.numbers import fmt, fmt_array, rounded_text
from core.scenario.catalog import resolve
from core.scenario.load import parse_scenario


def _bundled(name: str, *changes: tuple[str, str]):
    text = resolve(name).read_text(encoding="utf-8")
    for old, new in changes:
        assert old in text, old
        text = text.replace(old, new)
    return parse_scenario(text, file=f"{name}-extreme.yaml")


def _written(scenario, iterations: int = 1, markdown: bool = False, hand_rounding: int | None = None) -> str:
    with np.errstate(all="ignore"):  # as the command runs (tui/cli.py): ∞ and NaN, not NumPy warnings
        return "".join(stream_text(scenario, iterations, markdown, hand_rounding))


# --- rounding to the places written ------------------------------------------------------------

def test_a_value_rounds_to_more_places_than_decimals_usual_28_digits() -> None:
    """An expected value written 1e-310 is checked to 310 places: Decimal's default
    precision (28 digits) refused to round to them (decimal.InvalidOperation). Past 30
    places the text is the rounded float's shortest, not 310 places of binary expansion."""
    assert rounded_text(0.7513650695523156, 310) == "0.7513650695523156"
    assert rounded_text(-0.125, 40) == "−0.125"
    assert rounded_text(1.234567890123e-40, 41) == "1.2e−40"  # rounded to 41 places, then written short
    assert rounded_text(0.0, 400) == "0.0"
    assert rounded_text(3e300, 310) == fmt(3e300, 310) == "3e300"
    assert fmt(0.5, 20) == "0.50000000000000000000"  # up to 30 places (a derivation's), written out
    assert rounded_text(0.38461, 3) == "0.385"  # the usual places as before
    assert rounded_text(0.1, 16) == "0.1000000000000000"
    values = np.array([0.7513650695523156, -0.125, 3e300, 1.234567890123e-40, 0.0])
    assert fmt_array(values, 310) == [fmt(v, 310) for v in values.tolist()]  # the array writer agrees


def test_expected_values_at_float64s_ends_are_checked_not_a_crash() -> None:
    scenario = _bundled("two-layer-sigmoid", ("  loss: 0.298371109\n", "  loss: 1.0e+300\n"),
                        ("  out.out[0]: 0.75136507\n", "  out.out[0]: 1.0e-310\n"),
                        ("  hidden.net[0]: 0.3775\n", "  hidden.net[0]: -1.0e+308\n"))
    written = _written(scenario)
    assert "✗ loss: expected 1.0e+300 (0.3 rounds to 0, not 1.0e+300), exact 0.2983711087600026" in written
    assert "✗ hidden.net[0]: expected −1.0e+308 (0.4 rounds to 0, not −1.0e+308), exact 0.3775" in written
    assert ("✗ out.out[0]: expected 1.0e−310 (0.7513650695523156 rounds to 0.7513650695523156, not 1.0e−310), "
            "exact 0.7513650695523156") in written
    assert "Checks of the expected values: 17 of 20 right" in written


# --- derivations whose numbers are near 1e300 ---------------------------------------------------

RESIDUAL_1E300 = (("{x: [1.0, 0.5], label: 0}", "{x: [1.0e+300, 1.0e+300], label: 0}"),
                  ("{x: [0.2, 1.0], label: 1}", "{x: [1.0e+300, 1.0e+300], label: 1}"),
                  ("{x: [0.6, 0.0], label: 0}", "{x: [1.0e+300, 1.0e+300], label: 0}"))


@pytest.mark.parametrize("hand_rounding", [None, 3])
@pytest.mark.parametrize("markdown", [False, True])
def test_a_derivation_with_a_result_in_scientific_notation_is_written(markdown: bool,
                                                                      hand_rounding: int | None) -> None:
    """The explainer's half-way note (0.1895 ≈ 0.190) asked for the places of a result such as
    3.000e299, −297, and writing a number to −297 places raised ValueError: a scientific
    result has no half-way note."""
    written = _written(_bundled("residual-block", *RESIDUAL_1E300), markdown=markdown, hand_rounding=hand_rounding)
    assert "z_skip[0,0] = a_h1[0,0] + a_bn[0,0] = 3.000e299 + 0 = 3.000e299" in written
    assert "0 of 6 right" in written


def test_a_hand_rounded_target_near_1e200_is_written() -> None:
    scenario = _bundled("two-layer-sigmoid", ("    y: [0.01, 0.99]\n", "    y: [1.0e+200, -1.0e+200]\n"))
    written = _written(scenario, 2, hand_rounding=scenario.decimals)
    assert "Iteration 2" in written and "∞" in written


def test_batch_norm_overflowing_in_a_later_iteration_is_written() -> None:
    scenario = _bundled("batchnorm-tiny", ("{x: [3.0, 0.0], label: 1}", "{x: [3.0e+200, 0.0], label: 1}"))
    written = _written(scenario, 3)
    assert "σ²_bn[0] = " in written and written.count("Iteration ") >= 3


# --- JSON: one message naming the first value that overflowed -----------------------------------

def test_json_of_an_overflow_names_the_first_value_that_overflowed() -> None:
    scenario = _bundled("batchnorm-tiny", ("{x: [3.0, 0.0], label: 1}", "{x: [3.0e+200, 0.0], label: 1}"))
    with np.errstate(all="ignore"), pytest.raises(CnnTuiError) as caught:
        to_json(scenario, solve(scenario, 1))
    assert str(caught.value) == (
        "iteration 1 diverged: bn.var[0] is ∞ (a value overflowed to ∞ or NaN, which JSON cannot hold): "
        "lower the learning rate or the file's largest inputs and weights; the text format shows where")


# --- the PyTorch export of an iteration that starts from ∞ --------------------------------------

@pytest.mark.skipif(importlib.util.find_spec("torch") is None, reason="torch is not installed")
def test_the_pytorch_export_of_a_running_variance_that_overflowed_runs(tmp_path: Path) -> None:
    """Iteration 1 of batch norm over 3e200 leaves its running variance at ∞; the export of
    iteration 2 wrote it as JSON's ``Infinity`` (a NameError in Python), now ``float('inf')``."""
    from fixtures.torch_scripts import run_script

    scenario = _bundled("batchnorm-tiny", ("{x: [3.0, 0.0], label: 1}", "{x: [3.0e+200, 0.0], label: 1}"))
    stepper = Stepper(scenario)
    with np.errstate(all="ignore"):
        stepper.run_iteration()
        stepper.advance_to_next()
        stepper.run_iteration()
        script = to_pytorch(stepper)
    assert "torch.tensor([float('inf'), " in script and "Infinity" not in script
    path = tmp_path / "iteration.py"
    path.write_text(script, encoding="utf-8")
    result = run_script(path)
    assert result.returncode == 0, result.stderr
    theirs = json.loads(result.stdout)["iterations"][0]["values"]
    assert theirs["bn.running_var"][0] == math.inf
    assert theirs["bn.mean"] == stepper.array("bn.mean").tolist()


def test_json_of_an_overflowing_loss_names_the_loss() -> None:
    """The loss is one number (a 0-d array): its ∞ is found too (it was missed, and json.dumps
    raised "Out of range float values are not JSON compliant")."""
    scenario = _bundled("two-layer-sigmoid", ("    y: [0.01, 0.99]\n", "    y: [1.0e+200, -1.0e+200]\n"))
    with np.errstate(all="ignore"), pytest.raises(CnnTuiError) as caught:
        to_json(scenario, solve(scenario, 1))
    assert str(caught.value).startswith("iteration 1 diverged: loss is ∞ (a value overflowed to ∞ or NaN, ")


# --- numbers float64 would read as 0 ---------------------------------------------------------

@pytest.mark.parametrize("typed", ["1e-400", "-1e-400", "+1e-400", "0.5e-330", "2e-324"])
def test_a_typed_number_below_float64_s_smallest_is_refused(typed: str) -> None:
    from core.numbers import parse_number

    with pytest.raises(ValueError, match="is too small: float64 holds numbers down to 5e−324"):
        parse_number(typed)


@pytest.mark.parametrize(("typed", "value"), [("0e-400", 0.0), ("0.000", 0.0), ("5e-324", 5e-324), ("-0.0", -0.0)])
def test_zero_and_the_smallest_float_are_read_as_typed(typed: str, value: float) -> None:
    from core.numbers import parse_number

    assert parse_number(typed) == value


def test_a_file_s_number_below_float64_s_smallest_is_refused_with_its_line() -> None:
    with pytest.raises(CnnTuiError, match=r"tiny-cnn-extreme.yaml:25: layers\[2\]\.weight\[0\]\[0\]: 1\.0e-400 is too "
                                          r"small for a float64 \(the smallest is 5e−324\): it would be read as 0"):
        _bundled("tiny-cnn", ("weight: [[0.1, 0.2], [-0.1, -0.2]], bias: [0.3, -0.3]}\n  - {name: out",
                              "weight: [[1.0e-400, 0.2], [-0.1, -0.2]], bias: [0.3, -0.3]}\n  - {name: out"))
    with pytest.raises(CnnTuiError, match="learning_rate: 1e-999 is too small"):
        _bundled("tiny-cnn", ("learning_rate: 0.5", "learning_rate: 1e-999"))
    for written in ("!!float 1e-400", "1_0e-400", "+1e-400"):  # a tag or underscores: the constructor's way
        with pytest.raises(CnnTuiError, match=r"layers\[0\]\.bias\[0\]: .* is too small for a float64"):
            _bundled("tiny-cnn", ("bias: [0.5, -0.5]", f"bias: [{written}, -0.5]"))
    written_zero = _bundled("tiny-cnn", ("bias: [0.5, -0.5]", "bias: [0.0e-400, -0.5]"))
    assert written_zero.params["conv"]["bias"][0] == 0.0  # a 0 written with an exponent is a 0
