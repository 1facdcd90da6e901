"""Issue 11, core half: every number checkable by hand. One test (or more) per point of the
issue: formulas that reproduce, sums shown whole, hand-rounding as a calculator does it,
checks only for expected's iteration with a fair rule, slips that match their value,
numbers in bounded width, and ``train --save`` without stale expected values."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from fixtures.formula_check import check_line

from core.engine.scenario import Expected
from core.engine.stepper import Stepper
from core.explain.arithmetic import evaluate, reproduces
from core.explain.explainer import MAX_TERMS, explain
from core.exports.report import render_text, solve, to_json
from core.learner.checks import check_for, run_checks
from core.numbers import compact, fmt, round_as_shown, rounded_text
from core.scenario.catalog import load
from core.scenario.load import load_scenario
from core.scenario.save import write_scenario

ROOT = Path(__file__).resolve().parents[2]


def _done(name: str = "tiny-cnn", rounding: int | None = None) -> Stepper:
    stepper = Stepper(load(name))
    if rounding is not None:
        stepper.set_hand_rounding(rounding)
    stepper.run_iteration()
    return stepper


# --- a formula reproduces ----------------------------------------------------------------

@pytest.mark.parametrize(("name", "numbers", "result"), [
    ("loss", "−(1·ln 0.7065 + 0·ln 0.2935)", "0.347"),  # was −(1·ln 0.706) = 0.347 (calculator 0.348)
    ("fc.grad_weight[0,1]", "(−0.01399)·0.3846", "−0.00538"),  # was (−0.014)·0.385 = −0.00538
    ("fc.grad_out[0]", "(−0.2935)·0.1 + 0.2935·(−0.1)", "−0.0587"),  # was (−0.294)·0.1 + … = −0.0587
])
def test_the_issues_formulas_now_reproduce(name: str, numbers: str, result: str) -> None:
    d = explain(_done(), name, 3)
    assert d.substituted == numbers and d.value_text == result
    assert check_line(d.one_line()).problem is None


def test_a_formula_that_reproduces_keeps_the_display_decimals() -> None:
    d = explain(_done(), "out.new_weight[0,0]", 3)
    assert d.one_line() == "w′_out[0,0] = w_out[0,0] − α·δ_out[0]·a_fc[0] = 0.1 − 0.5·(−0.294)·0.608 = 0.189"


def test_core_arithmetic_agrees_with_the_independent_checker() -> None:
    for text in ("0.1 − 0.5·(−0.294)·0.608", "1 / (1 + e^(−(−0.47)))", "−(1·ln 0.706 + 0·ln 0.294)",
                 "e^0.439 / (e^0.439 + e^(−0.439))", "max(0.385, 0.380)", "(1 − (−0.4621)²)", "−0.3²",
                 "½·((1 − 0.7)² + (0 − 0.2)²)", "tanh(0.5) + σ(0) + min(0, −2)", "(1/2)·(0.5 + 0.25)",
                 # the newer units' notation: Adam, batch norm, gelu
                 "0.5 − 0.1·(−0.05223) / (√0.002728 + 1e−8)", "(0.35 − 0.17) / √(0.0723 + 0.00001)",
                 "0.05 / (1 − 0.9²)", "0.0027 / (1 − 0.999¹⁰)", "−0.5²/2", "0.5·(−0.5)·(1 + erf((−0.5)/√2))",
                 "(0.5·(1 + erf(0.3/√2)) + 0.3·e^(−0.3²/2)/√(2π))", "Φ(0.3) + 0.3·φ(0.3)",
                 "(1/(4·√(2.5 + 0.00001)))·(4·0.203·1.5 − 0.588 − 0.632·0.551)"):
        from fixtures.formula_check import evaluate as independent
        assert evaluate(text) == pytest.approx(independent(text), rel=1e-15), text
    assert reproduces("0.1895", "0.190", halfway=True) and not reproduces("0.1895", "0.190")
    assert not reproduces("−(1·ln 0.706)", "0.347")


# --- sums shown whole ---------------------------------------------------------------------

def test_solve_lists_every_term_of_a_long_sum() -> None:
    scenario = load("x-vs-o")
    text = render_text(scenario, solve(scenario, 1, explained=True))
    line = next(x for x in text.splitlines() if x.startswith("z_conv[0,0,0] = "))
    assert "…" not in text and "more terms" not in text
    assert line.count("w_conv[0,0,") == 9  # the 3×3 filter: nine terms
    assert check_line(line).problem is None


def test_the_issues_conv_gradient_shows_its_hidden_terms() -> None:
    """`∂E/∂w_conv[1,0,1,0] = 0·0 + 0.597·1 + … (3 more terms) = 0.821` hid 0.224."""
    stepper = _done("x-vs-o")
    full = explain(stepper, "conv.grad_weight[1,0,1,0]", 3)
    short = explain(stepper, "conv.grad_weight[1,0,1,0]", 3, max_terms=MAX_TERMS)
    assert full.hidden == 0 and "…" not in full.one_line()
    assert full.substituted.count("·") == MAX_TERMS + short.hidden
    assert short.hidden > 0 and f"… ({short.hidden} more terms)" in short.substituted
    assert check_line(full.one_line()).problem is None


# --- hand-rounding as a calculator does it ---------------------------------------------------

def test_hand_rounding_writes_the_rounded_gradient_the_update_used() -> None:
    """Was `0.1 − 0.5·(−0.294)·0.608 = 0.190` (calculator 0.189): the update used ∂E/∂w rounded."""
    stepper = _done(rounding=3)
    assert stepper.value("out.grad_weight[0,0]") == -0.179
    d = explain(stepper, "out.new_weight[0,0]", 3)
    assert d.one_line() == "w′_out[0,0] = w_out[0,0] − α·∂C/∂w_out[0,0] = 0.100 − 0.5·(−0.179) = 0.1895 ≈ 0.190"
    assert check_line(d.one_line()).problem is None


def test_hand_rounding_writes_the_rounded_gradient_a_delta_used() -> None:
    d = explain(_done(rounding=3), "fc.delta[0]", 3)
    assert d.substituted == "(−0.059) · 0.608·(1 − 0.608)" and d.value_text == "−0.014"


def test_hand_rounding_rounds_the_starting_weights_and_says_what_it_does() -> None:
    scenario = load("digits")
    stepper = Stepper(scenario)
    exact = stepper.value("conv.weight[0,0,0,0]")
    said = stepper.set_hand_rounding(3)
    assert "rounded to 3 decimals" in said and "at most 0.0005 keeps 3 significant digits" in said
    assert stepper.value("conv.weight[0,0,0,0]") == float(round_as_shown(exact, 3)) != exact
    note = explain(stepper, "conv.weight[0,0,0,0]", 3).notes[0]
    assert f"exactly {fmt(exact, None)}" in note
    stepper.set_hand_rounding(None)
    assert stepper.value("conv.weight[0,0,0,0]") == exact


def test_hand_rounding_keeps_small_values_as_shown() -> None:
    stepper = _done(rounding=3)
    assert stepper.value("conv.delta[0,1]") == 0.000233
    assert explain(stepper, "conv.delta[0,1]", 3).value_text == "0.000233"
    assert float(round_as_shown(0.0004998, 3)) == 0.0005 and fmt(0.0005, 3) == "0.0005"
    # a small value rounds half away from zero, as it is shown (binary rounding gave 0.000123)
    for v in (0.0001235, 0.0002675, -0.0001235):
        assert fmt(float(round_as_shown(v, 3)), 3) == fmt(v, 3)


def test_a_save_while_hand_rounding_keeps_the_exact_starting_weights(tmp_path: Path) -> None:
    stepper = Stepper(load("digits"))
    exact = stepper.value("conv.weight[0,0,0,0]")
    stepper.set_hand_rounding(3)
    assert stepper.current_scenario().params["conv"]["weight"][0, 0, 0, 0] == exact


# --- checks ----------------------------------------------------------------------------------

def test_iteration_two_is_not_checked_against_iteration_one_expected_values() -> None:
    stepper = _done()
    assert len(run_checks(stepper, stepper.scenario.expected)) == 38
    stepper.run_iteration()
    assert stepper.iteration == 2
    assert run_checks(stepper, stepper.scenario.expected) == []
    assert check_for(stepper, "out.out[0]") is None
    stepper.set_expected("out.out[0]", Expected(0.611, 3, "0.611"))  # an answer typed now is for iteration 2
    check = check_for(stepper, "out.out[0]")
    assert check is not None and stepper.scenario.expected["out.out[0]"].iteration == 2
    scenario = load("tiny-cnn")
    text = render_text(scenario, solve(scenario, 2, explained=True))
    assert text.count("Checks of the expected values") == 1


def test_the_tolerance_rule_is_stated_beside_the_mark() -> None:
    checks = {c.name: c for c in run_checks(_done(), load("tiny-cnn").expected)}
    right, close = checks["conv.out[0,0]"], checks["conv.out[1,0]"]
    assert right.mark == "✓" and right.rule == "0.6248 rounds to 0.625"
    assert close.ok and close.mark == "≈"  # 0.384 for 0.38462: the JSON's ok, but not a plain ✓
    assert close.rule == "0.3846 rounds to 0.385; 0.384 is within 0.001, one unit of its last decimal"
    wrong = checks["fc.delta[0]"]
    assert wrong.mark == "✗" and wrong.rule == "−0.0140 rounds to −0.014, not −0.026"
    scenario = load("tiny-cnn")
    text = render_text(scenario, solve(scenario, 1, explained=True))
    assert "≈ conv.out[1,0]: expected 0.384 (0.3846 rounds to 0.385; 0.384 is within 0.001" in text
    assert "Checks of the expected values: 22 of 38 right, 3 close" in text


def test_a_named_slip_never_differs_from_the_value_it_explains() -> None:
    """Was `expected 0.0004 ✗ … likely slip: 0.0003 is what …`."""
    checks = {c.name: c for c in run_checks(_done(), load("tiny-cnn").expected)}
    pool = checks["pool.grad_out[0,0]"].diagnosis
    assert pool is not None and pool.explanation.startswith("0.00033 (within 0.0001 of 0.0004) is what")
    delta = checks["fc.delta[0]"].diagnosis
    assert delta is not None and delta.explanation.startswith("−0.026 is what")
    for check in checks.values():
        if check.diagnosis is not None:
            shown = re.match(r"[−\d.]+", check.diagnosis.explanation)
            assert shown is not None
            written = check.expected.text.replace("-", "−")
            assert shown.group() == written or f"of {rounded_text(check.expected.value, check.expected.decimals)})" \
                in check.diagnosis.explanation, check.diagnosis.explanation


def test_solve_json_keeps_its_checks() -> None:
    """The JSON's ok is 'within one unit of the last decimal', as before (✓ and ≈)."""
    scenario = load("tiny-cnn")
    assert to_json(scenario, solve(scenario, 2)).count('"ok": true') == 25


# --- numbers in bounded width ----------------------------------------------------------------

@pytest.mark.parametrize("decimals", [None, 0, 3, 15])
def test_huge_and_tiny_numbers_stay_short(decimals: int | None) -> None:
    for v in (1e300, -1e300, 1.5e12, 3.2e-12, -7e-300):
        assert len(fmt(v, decimals)) <= 24, (v, fmt(v, decimals))
        assert len(compact(v, 3 if decimals is None else decimals)) <= 24
    assert fmt(1e12, None) == "1e12" and fmt(-3.2e-12, None) == "−3.2e−12"


def test_zero_decimals_round_as_a_calculator_and_keep_small_values() -> None:
    # was 0 for 0.5 and 1.0e−1 for 0.1: a value at most half a unit keeps its significant digits
    assert fmt(0.5, 0) == "0.5" and fmt(0.6, 0) == "1" and fmt(2.5, 0) == "3" and fmt(-1.5, 0) == "−2"
    assert fmt(0.1, 0) == "0.1" and compact(0.1, 0) == "0.1" and compact(0.5, 0) == "0.5"
    assert float(round_as_shown(0.5, 0)) == 0.5 and float(round_as_shown(2.5, 0)) == 3.0
    assert fmt(2.675, 2) == "2.68"  # its shortest text is 2.675: a calculator gives 2.68
    assert compact(0.0000326, 3) == "3.3e−5"


def test_derivations_write_a_rounded_number_with_the_grids_digits() -> None:
    """Was `max(0.385, 0.38)` beside `0.380` in the grid."""
    stepper = _done()
    assert "max(0.385, 0.380)" in explain(stepper, "pool.out[1,0]", 3).substituted
    assert "0.1·0.1 + 0.2·0" in explain(stepper, "conv.net[0,0]", 3).substituted  # given exactly so


def test_a_derivation_of_a_huge_weight_stays_short() -> None:
    stepper = Stepper(load("tiny-cnn"))
    stepper.edit("out.weight[0,0]", 1e300)
    stepper.forward_all()
    assert len(explain(stepper, "out.net[0]", 3).one_line()) < 200


# --- train --save --------------------------------------------------------------------------------

def test_train_save_leaves_out_the_expected_values_of_the_untrained_weights(tmp_path: Path) -> None:
    target = tmp_path / "t.yaml"
    run = subprocess.run([sys.executable, "-m", "tui.cli", "train", "tiny-cnn", "--epochs", "3", "--save",
                          str(target)], capture_output=True, text=True, cwd=ROOT, check=False)
    assert run.returncode == 0, run.stderr
    assert "left out 38 expected values" in run.stdout
    trained = load_scenario(target)
    assert trained.expected == {}
    assert "expected:" not in target.read_text()


def test_a_save_after_the_update_keeps_only_answers_for_the_saved_weights(tmp_path: Path) -> None:
    stepper = Stepper(load("tiny-cnn"))
    before = write_scenario(stepper.current_scenario(), tmp_path / "before.yaml")
    assert before.notes == () and len(load_scenario(tmp_path / "before.yaml").expected) == 38
    stepper.run_iteration()
    stepper.run_iteration()  # iteration 2, done: the file starts at iteration 3's weights
    stepper.set_expected("out.out[0]", Expected(0.611, 3, "0.611"))  # for iteration 2: replaces the file's
    after = write_scenario(stepper.current_scenario(), tmp_path / "after.yaml")
    assert any("left out 38 expected values" in note for note in after.notes)
    assert load_scenario(tmp_path / "after.yaml").expected == {}


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed (.ci/run installs it)")
def test_the_hand_rounded_latex_export_compiles(tmp_path: Path) -> None:
    from core.exports.markdown import to_latex

    tex = tmp_path / "hand.tex"
    tex.write_text(to_latex(_done(rounding=3)))
    assert re.search(r"0\.1895 \\approx +0\.190", tex.read_text())
    run = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", tex.name], cwd=tmp_path,
                         capture_output=True, text=True, check=False, timeout=120)
    assert run.returncode == 0, run.stdout[-2000:]


def test_cli_solve_and_export_take_hand_rounding() -> None:
    for args in (["solve", "tiny-cnn", "--hand-rounding"], ["export", "tiny-cnn", "--to", "markdown",
                                                             "--hand-rounding"]):
        run = subprocess.run([sys.executable, "-m", "tui.cli", *args], capture_output=True, text=True, cwd=ROOT,
                             check=False)
        assert run.returncode == 0, run.stderr
        assert "HAND-ROUNDING" in run.stdout and "0.1895 ≈ 0.190" in run.stdout
