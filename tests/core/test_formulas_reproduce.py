"""Every formula reproduces: a learner who types a derivation's numbers into a calculator
gets the result shown, to the precision shown (docs/scenario-format.md, *Formulas that
reproduce*).

The checker (tests/fixtures/formula_check.py, which shares no code with core/explain) reads
every derivation of every bundled scenario, two iterations, in ``solve --format text`` and in
the Markdown export, exact and with hand-rounding, and of random networks (dense, conv, pool,
add, batch > 1, SGD; and the newer units: batch norm, dropout, global average pooling, gelu,
binary cross-entropy, Adam, AdamW, RMSprop); every formula must parse, show all its terms and
reproduce its result.
"""

from __future__ import annotations

import pytest
from fixtures.formula_check import check_line, derivation_lines, evaluate
from fixtures.random_scenarios import modern_scenario, random_scenario

from core.engine.scenario import Scenario
from core.engine.stepper import Stepper
from core.exports.markdown import to_markdown
from core.exports.report import render_text, solve
from core.scenario.catalog import bundled_names, load
from core.scenario.load import parse_scenario


def _failures(text: str) -> tuple[int, list[str]]:
    """(formulas with numbers, the lines that do not reproduce with why)."""
    counted, bad = 0, []
    for line in derivation_lines(text):
        verdict = check_line(line)
        if verdict.numbers is None and verdict.problem is None:
            continue  # a given value: nothing to compute
        counted += 1
        if verdict.problem is not None:
            bad.append(f"{line}  <- {verdict.problem}")
    return counted, bad


def _solve_text(scenario: Scenario, hand_rounding: bool) -> str:
    decimals = scenario.decimals if hand_rounding else None
    return render_text(scenario, solve(scenario, 2, explained=True, hand_rounding=decimals))


def _markdown_exports(scenario: Scenario, hand_rounding: bool) -> str:
    stepper = Stepper(scenario)
    if hand_rounding:
        stepper.set_hand_rounding(scenario.decimals)
    pages = []
    for _ in range(2):
        stepper.run_iteration()
        pages.append(to_markdown(stepper))
    return "\n".join(pages)


def test_the_checker_reads_the_notation_as_a_learner_would() -> None:
    assert evaluate("0.1 − 0.5·(−0.294)·0.608") == pytest.approx(0.189376)
    assert evaluate("1 / (1 + e^(−(−0.47)))") == pytest.approx(0.38461624, abs=1e-8)
    assert evaluate("−(1·ln 0.7065 + 0·ln 0.2935)") == pytest.approx(0.347432, abs=1e-6)
    assert evaluate("e^0.439 / (e^0.439 + e^(−0.439))") == pytest.approx(0.706408, abs=1e-6)
    assert evaluate("max(0.385, 0.380)") == 0.385
    assert evaluate("(1 − (−0.4621)²)") == pytest.approx(1 - 0.4621 ** 2)
    assert evaluate("−0.3²") == pytest.approx(-0.09)
    assert evaluate("½·((1 − 0.7)² + (0 − 0.2)²)") == pytest.approx(0.065)
    assert evaluate("3.26e−7 × 2") == pytest.approx(6.52e-7)
    assert evaluate("σ(0) + tanh(0) + max(0, −1) + min(0, 1)") == 0.5
    # the newer units: √ of the number or group right after it, superscript powers, erf, π
    assert evaluate("√0.25 + 1") == 1.5
    assert evaluate("√(0.0723 + 0.00001)") == pytest.approx(0.268905, abs=1e-6)
    assert evaluate("0.1·0.0762 / (√0.00581 + 1e−8)") == pytest.approx(0.0762 / 0.76223, rel=1e-4)
    assert evaluate("1 − 0.9²") == pytest.approx(0.19) and evaluate("0.5¹⁰") == pytest.approx(1 / 1024)
    assert evaluate("−0.5²/2") == pytest.approx(-0.125)  # the power first, as e^(−z²/2) is written
    assert evaluate("e^(−(−0.5)²/2)/√(2π)") == pytest.approx(0.3520653, abs=1e-7)  # φ(−0.5)
    assert evaluate("0.5·(1 + erf(1/√2))") == pytest.approx(0.8413447, abs=1e-7)  # Φ(1)
    assert evaluate("Φ(1) + φ(0)") == pytest.approx(0.8413447 + 0.3989423, abs=1e-7)
    assert "cannot read" in (check_line("x̂ = (x − μ) / √(σ² + ε) = (1 − 2) / √2.5 + = −0.632").problem or "")
    bad = check_line("C = −(y[0]·ln a_out[0]) = −(1·ln 0.706) = 0.347")
    assert bad.problem is not None and "0.348" in bad.problem
    assert check_line("z = a + … (3 more terms) = 0.1 + … (3 more terms) = 0.5").problem == "terms left out"
    assert check_line("x[0] = 0.1").problem is None
    assert "cannot read" in (check_line("z_h[0] = w_h[0]·x[0] = 0.1 ** 0.2 = 0.3").problem or "")
    assert check_line("w′ = w − α·g = 0.100 − 0.5·(−0.179) = 0.1895 ≈ 0.190").problem is None
    assert "does not round" in (check_line("w′ = w − α·g = 0.100 − 0.5·(−0.179) = 0.1895 ≈ 0.189").problem or "")


@pytest.mark.parametrize("hand_rounding", [False, True], ids=["exact", "hand-rounding"])
@pytest.mark.parametrize("name", [n for n in bundled_names() if n not in ("digits", "digits-modern")])
def test_every_bundled_formula_reproduces(name: str, hand_rounding: bool) -> None:
    scenario = load(name)
    for where, text in (("solve --format text", _solve_text(scenario, hand_rounding)),
                        ("markdown export", _markdown_exports(load(name), hand_rounding))):
        counted, bad = _failures(text)
        assert counted > 20, where
        assert not bad, f"{where}: {len(bad)} of {counted} formulas do not reproduce:\n" + "\n".join(bad[:10])


@pytest.mark.parametrize("hand_rounding", [False, True], ids=["exact", "hand-rounding"])
def test_every_formula_of_digits_reproduces(hand_rounding: bool) -> None:
    """digits: a 64-pixel conv net, tens of thousands of formulas; the Markdown export of two
    iterations (solve's text shows the same derivations)."""
    counted, bad = _failures(_markdown_exports(load("digits"), hand_rounding))
    assert counted > 10_000
    assert not bad, f"{len(bad)} of {counted} formulas do not reproduce:\n" + "\n".join(bad[:10])


@pytest.mark.parametrize("hand_rounding", [False, True], ids=["exact", "hand-rounding"])
@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5, 6])
def test_every_formula_of_a_random_network_reproduces(seed: int, hand_rounding: bool) -> None:
    text = random_scenario(seed)
    for where, report in (("solve --format text", _solve_text(parse_scenario(text), hand_rounding)),
                          ("markdown export", _markdown_exports(parse_scenario(text), hand_rounding))):
        counted, bad = _failures(report)
        assert counted > 40, where
        assert not bad, f"{where}: {len(bad)} of {counted} formulas do not reproduce:\n" + "\n".join(bad[:10])


@pytest.mark.parametrize("hand_rounding", [False, True], ids=["exact", "hand-rounding"])
@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5, 6])
def test_every_formula_of_a_random_network_of_the_newer_units_reproduces(seed: int, hand_rounding: bool) -> None:
    text = modern_scenario(seed)
    for where, report in (("solve --format text", _solve_text(parse_scenario(text), hand_rounding)),
                          ("markdown export", _markdown_exports(parse_scenario(text), hand_rounding))):
        counted, bad = _failures(report)
        assert counted > 40, where
        assert not bad, f"{where}: {len(bad)} of {counted} formulas do not reproduce:\n" + "\n".join(bad[:10])


@pytest.mark.parametrize("name", ["adam-step", "batchnorm-tiny", "residual-block", "modern 2", "modern 3"])
def test_the_explainer_reads_every_formula_the_checker_reads(name: str) -> None:
    """The explainer adds digits only to a formula it can read: its own reader (core's, no
    code shared with the checker) must read every formula's numbers, √, powers and erf
    included, and get the checker's value."""
    from core.explain.arithmetic import evaluate as core_evaluate
    scenario = parse_scenario(modern_scenario(int(name[-1]))) if name.startswith("modern") else load(name)
    read = 0
    for line in derivation_lines(_solve_text(scenario, False)):
        verdict = check_line(line)
        if verdict.numbers is not None and verdict.evaluated is not None:
            assert core_evaluate(verdict.numbers) == pytest.approx(verdict.evaluated, rel=1e-12, abs=1e-300), line
            read += 1
    assert read > 50
