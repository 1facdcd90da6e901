"""``solve`` text and Markdown are streamed (issue 15): the same text as the whole report,
written an iteration at a time, so the count of iterations is bounded by the output's size,
not by the derivations held in memory; and explaining many values of one state at once
(the shared context of core/explain) gives exactly what explaining each alone gives."""

from __future__ import annotations

from collections.abc import Callable
from itertools import islice

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.engine.quantities import QuantityRef, format_index
from core.engine.stepper import Stepper
from core.explain.arithmetic import _Reader, _tokens, evaluate
from core.explain.explainer import _Explainer, explain, explainer_of
from core.exports.report import quantity_names, render_text, solve, stream_text, values_per_iteration
from core.scenario import budget
from core.scenario.catalog import bundled_names, load
from tui.cli import main

SMALL_SCENARIOS = [name for name in bundled_names() if not name.startswith("digits")]  # digits: below


@pytest.mark.parametrize("name", SMALL_SCENARIOS)
@pytest.mark.parametrize("markdown", [False, True])
@pytest.mark.parametrize("rounded", [False, True])
def test_the_streamed_report_is_the_whole_report(name: str, markdown: bool, rounded: bool) -> None:
    scenario = load(name)
    rounding = scenario.decimals if rounded else None
    whole = render_text(scenario, solve(scenario, 2, explained=True, hand_rounding=rounding),
                        markdown=markdown, hand_rounding=rounding)
    lines = list(stream_text(scenario, 2, markdown=markdown, hand_rounding=rounding))
    # whole lines: each text ends with its newline, or (an array's block of lines) is followed by it
    assert all(line.endswith("\n") or after == "\n" for line, after in zip(lines, lines[1:]))
    assert lines[-1].endswith("\n")
    assert "".join(lines) == whole


def test_the_command_writes_the_streamed_report(capsys) -> None:
    scenario = load("tiny-cnn")
    assert main(["solve", "tiny-cnn", "--iterations", "3", "--format", "markdown"]) == 0
    assert capsys.readouterr().out == render_text(scenario, solve(scenario, 3, explained=True), markdown=True)


def test_more_iterations_than_the_kept_derivations_allow_are_streamed() -> None:
    scenario = load("digits")
    per = values_per_iteration(scenario)
    many = budget.MAX_EXPLAINED_VALUES // per + 1
    with pytest.raises(budget.SolveTooLarge):  # kept whole, they would not fit
        solve(scenario, many, explained=True)
    first = list(islice(stream_text(scenario, many), 8))  # made as they are read: only the start is worked out
    assert first[0] == f"{scenario.name}\n"
    assert first[2].startswith("Iteration 1 (samples 1, 2, 3, 4, 5, 6, 7, 8) — loss ")
    assert first[4] == "Given\n-----\n"
    assert first[5].startswith("x[0,0,0,0] = 0\nx[0,0,0,1] = 0\n")  # the input, made whole from its template


def test_the_stream_refuses_more_values_than_json_would_hold_before_any_work() -> None:
    scenario = load("digits")
    per = values_per_iteration(scenario)
    most = budget.MAX_SOLVE_VALUES // per
    with pytest.raises(budget.SolveTooLarge) as caught:
        stream_text(scenario, most + 1)  # raised by the call itself, before a line is asked for
    assert (caught.value.most, caught.value.explained) == (most, False)


def _every_ref(stepper: Stepper) -> list[tuple[str, QuantityRef]]:
    out = []
    for name in quantity_names(stepper):
        arr = stepper.array(name)
        assert arr is not None
        layer, _, kind = name.rpartition(".")
        for idx in np.ndindex(np.shape(arr)):
            index = tuple(int(i) for i in idx) or None
            out.append((name + format_index(index), QuantityRef(layer or None, kind, index)))
    return out


@pytest.mark.parametrize("name", ["tiny-cnn", "residual-block", "batchnorm-tiny", "adam-step", "momentum-steps"])
@pytest.mark.parametrize("rounded", [False, True])
def test_explaining_a_whole_state_at_once_is_explaining_each_value_alone(name: str, rounded: bool) -> None:
    scenario = load(name)
    stepper = Stepper(scenario)
    if rounded:
        stepper.set_hand_rounding(scenario.decimals)
    stepper.run_iteration()
    stepper.advance_to_next()
    stepper.run_iteration()  # iteration 2: the optimizer's state has started
    shared = explainer_of(stepper, scenario.decimals)
    for text, ref in _every_ref(stepper):
        assert shared(ref) == explain(stepper, text, scenario.decimals), text


@pytest.mark.parametrize(("name", "every"), [("tiny-cnn", 1), ("residual-block", 1), ("digits", 5)])
def test_a_sum_worked_out_from_its_written_numbers_is_what_the_calculator_reads(name: str, every: int) -> None:
    """The reproduce check takes a sum's value from the numbers as they were written; it must
    be the very float that evaluating the written text gives (same numbers, same order).
    digits (25,503 values, sums of up to 800 terms): every fifth value of each array."""
    scenario = load(name)
    stepper = Stepper(scenario)
    stepper.run_iteration()
    refs = [ref for _, ref in _every_ref(stepper) if ref.index is None or np.ravel_multi_index(
        ref.index, np.shape(stepper.array(ref.array_name))) % every == 0]
    checked = 0
    for extra in (0, 1, 3):
        explainer = _Explainer(stepper, scenario.decimals, extra)
        for ref in refs:
            explainer.build(ref)
        for numbers, value in explainer.known.items():
            assert value == evaluate(numbers), numbers
            checked += 1
    assert checked > 100


_numbers = st.one_of(st.integers(0, 99).map(str),
                     st.decimals(min_value=0, max_value=100, places=6, allow_nan=False).map(lambda d: f"{d:f}"),
                     st.integers(1, 9).map(lambda k: f"{k}.5e−{k + 6}"))
_factors = st.one_of(_numbers, _numbers.map(lambda t: f"(−{t})"), _numbers.map(lambda t: f"({t})"),
                     _numbers.map(lambda t: f"−{t}"))
_products = st.lists(st.tuples(st.sampled_from(["·", "×", "/"]), _factors), max_size=3).flatmap(
    lambda rest: _factors.map(lambda first: first + "".join(op + f for op, f in rest)))
_sums = st.lists(st.tuples(st.sampled_from([" + ", " − "]), _products), max_size=5).flatmap(
    lambda rest: _products.map(lambda first: first + "".join(op + p for op, p in rest)))


@settings(max_examples=400, deadline=None)
@given(_sums)
def test_the_one_pass_sum_of_products_is_the_readers_arithmetic(text: str) -> None:
    """``evaluate`` takes a sum of products in one pass; the general reader must give the
    very same float (the same operations in the same order), or the same error."""
    def read(reader: Callable[[], float]) -> object:
        try:
            return reader()
        except ZeroDivisionError:
            return "division by zero"
    general = _Reader(_tokens(text))
    expected = read(general.sum)
    assert general.at == len(general.tokens) or expected == "division by zero"
    got = read(lambda: evaluate(text))
    assert got == expected and str(got) == str(expected)  # −0.0 stays −0.0
