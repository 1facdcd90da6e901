"""The reports write an array's lines at once from the explainer's own template of it
(core/explain/array_lines): every line must be the one ``explain`` writes for that value,
byte for byte, whatever the network, the optimizer or hand-rounding; what a template
cannot say (a shape that changes with the index or with the values) is left to explain.

(``test_solve_streamed`` compares the whole streamed report with the one made from
``explain``'s derivations for every small bundled scenario; these check the arrays
themselves, digits and random networks included.)"""

from __future__ import annotations

import copy

import numpy as np
import pytest
from fixtures.random_scenarios import modern_scenario, random_scenario

from core.engine.quantities import QuantityRef
from core.engine.scenario import Scenario
from core.engine.stepper import Stepper
from core.explain import array_lines as module
from core.explain.array_lines import array_lines, templated
from core.explain.explainer import INDEX_ONLY_KINDS, NotTemplated, Probe, _Explainer, explainer_of
from core.exports.report import _element_refs, quantity_names, section_derivations, section_lines
from core.scenario.catalog import bundled_names, load
from core.scenario.load import parse_scenario


def _compare(scenario: Scenario, rounded: bool, iterations: int = 1, every: bool = False) -> tuple[int, int]:
    """(lines made from templates, of which left to explain); asserts each is explain's
    (at the last iteration, or with ``every`` at each: the plans of the first taken again)."""
    stepper = Stepper(scenario)
    if rounded:
        stepper.set_hand_rounding(scenario.decimals)
    made = left = 0
    for k in range(iterations):
        if k:
            stepper.advance_to_next()
        stepper.run_iteration()
        if every and k < iterations - 1:
            more, fewer = _compared(stepper, scenario)
            made, left = made + more, left + fewer
    more, fewer = _compared(stepper, scenario)
    return made + more, left + fewer


def _compared(stepper: Stepper, scenario: Scenario) -> tuple[int, int]:
    explain_one = explainer_of(stepper, scenario.decimals)
    made = left = 0
    for name in quantity_names(stepper):
        lines = array_lines(stepper, name, scenario.decimals)
        if lines is None:
            continue
        for ref, line in zip(_element_refs(stepper, name), lines, strict=True):
            if line is None:
                left += 1
            else:
                assert line == explain_one(ref).one_line(), str(ref)
            made += 1
    return made, left


@pytest.mark.parametrize("rounded", [False, True], ids=["exact", "hand-rounding"])
def test_digits_lines_made_from_templates_are_explains(rounded: bool) -> None:
    made, left = _compare(load("digits"), rounded)
    assert made > 10_000  # the conv's nets, the activations, the dense layer, the updates, the given values
    assert left < made // 20  # (hand-rounding: a sum rounded half-way is explained alone)


@pytest.fixture
def every_array(monkeypatch: pytest.MonkeyPatch) -> None:
    """Templates for arrays of any size (the reports leave small ones to explain: cheaper)."""
    monkeypatch.setattr(module, "MIN_ELEMENTS", 1)
    monkeypatch.setattr(module, "PROBES_PER_ELEMENT", 0)


@pytest.mark.parametrize("rounded", [False, True], ids=["exact", "hand-rounding"])
@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5, 6])
def test_random_networks_lines_made_from_templates_are_explains(seed: int, rounded: bool, every_array: None) -> None:
    made, _ = _compare(parse_scenario(random_scenario(seed)), rounded, iterations=2)
    assert made > 20


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_later_iteration_takes_the_first_one_s_plans_and_writes_explain_s_lines(seed: int,
                                                                                  every_array: None) -> None:
    scenario = parse_scenario(random_scenario(seed))
    made, _ = _compare(scenario, False, iterations=3, every=True)
    assert made > 60


@pytest.mark.parametrize("held", [module.INDEXED_HELD, 3_000, 0])
def test_the_indices_worked_out_at_the_first_iteration_are_taken_again(held: int, every_array: None,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Where a plan is taken again, so are its slices' indices (and the operands' flat
    indices): the lines are still explain's, whether all of them are held, some (the rest
    worked out again) or none."""
    monkeypatch.setattr(module, "INDEXED_HELD", held)
    monkeypatch.setattr(module, "_INDEXED", type(module._INDEXED)())
    monkeypatch.setattr(module, "_indexed_held", [0])
    scenario = parse_scenario(random_scenario(2))
    made, _ = _compare(scenario, False, iterations=3, every=True)
    assert made > 60
    assert (len(module._INDEXED) > 0) == (held > 0) and module._indexed_held[0] <= held


def test_a_plan_is_taken_again_only_while_the_first_line_is_the_one_planned_for() -> None:
    scenario = load("digits")
    d = scenario.decimals
    stepper = Stepper(scenario)
    stepper.run_iteration()
    name = "conv.new_weight"  # (an update's line is probed again at every iteration: not INDEX_ONLY_KINDS)
    assert array_lines(stepper, name, d) is not None
    plans = module._PLANS[stepper]
    shape = tuple(np.shape(stepper.array(name)))
    base, _ = plans[(name, shape, d, None)]
    stepper.set_hand_rounding(d)
    stepper.run_iteration()
    array_lines(stepper, name, d)
    assert (name, shape, d, d) in plans and plans[(name, shape, d, None)][0] is base  # exact, rounded: each its own
    stepper.set_hand_rounding(None)
    stepper.run_iteration()
    plans[(name, shape, d, None)] = (base, [])  # a plan of no slices: every line is left to explain
    size = int(np.size(stepper.array(name)))
    assert array_lines(stepper, name, d) == [None] * size  # taken again: the first line is the same
    changed = copy.copy(base)
    changed.parts = [*base.parts, " (changed)"]
    plans[(name, shape, d, None)] = (changed, [])
    lines = array_lines(stepper, name, d)  # the first line is not the one planned for: planned again
    explain_one = explainer_of(stepper, d)
    assert lines == [explain_one(ref).one_line() for ref in _element_refs(stepper, name)]


def test_a_line_of_the_index_alone_takes_its_plan_again_without_a_probe(monkeypatch: pytest.MonkeyPatch) -> None:
    """A layer's sums and the given numbers are written from the index alone (INDEX_ONLY_KINDS):
    a later iteration fills them from the first one's plan with no probe, and writes explain's lines."""
    scenario = load("digits")
    d = scenario.decimals
    stepper = Stepper(scenario)
    stepper.run_iteration()
    names = [n for n in quantity_names(stepper) if n.rsplit(".", 1)[-1] in INDEX_ONLY_KINDS
             and array_lines(stepper, n, d) is not None]  # (a small array is explained value by value)
    assert {"conv.net", "out.net", "conv.weight", "input", "out.grad_weight"} <= set(names)
    stepper.advance_to_next()
    stepper.run_iteration()

    def no_probe(*args: object, **kwargs: object) -> None:
        raise AssertionError("probed")
    monkeypatch.setattr(module, "_Template", no_probe)  # (a probe's template of an element)
    explain_one = explainer_of(stepper, d)
    for name in names:
        lines = array_lines(stepper, name, d)
        assert lines is not None and None not in lines, name
        assert lines == [explain_one(ref).one_line() for ref in _element_refs(stepper, name)], name


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_lines_under_adaptive_optimizers_are_explains(seed: int, every_array: None) -> None:
    _compare(parse_scenario(modern_scenario(seed)), False, iterations=2)


def _dense(inputs: int, input_shape: str, units: int = 12) -> Scenario:
    rng = np.random.default_rng(inputs)
    samples = "\n".join(f"  - {{x: {np.round(rng.random(inputs), 4).reshape(eval(input_shape)).tolist()}, "
                        f"label: {k % 3}}}" for k in range(2))
    return parse_scenario(f"""format: 1
name: dense {inputs}
input: {input_shape}
samples:
{samples}
layers:
  - {{name: hidden, type: dense, units: {units}, activation: sigmoid}}
  - {{name: out, type: dense, units: 3, activation: softmax}}
loss: cross_entropy
learning_rate: 0.1
seed: 3
init: xavier
""")


def test_a_long_sum_gets_more_digits_where_explain_gives_them(every_array: None) -> None:
    """A net of 60 products rarely reproduces with the display's 3 decimals: the reproduce
    loop, done on the whole array, writes each line with the digits explain chooses."""
    stepper = Stepper(_dense(60, "[60]"))
    stepper.run_iteration()
    lines = array_lines(stepper, "hidden.net", 3)
    assert lines is not None and None not in lines
    explain_one = explainer_of(stepper, 3)
    wanted = [explain_one(ref).one_line() for ref in _element_refs(stepper, "hidden.net")]
    assert lines == wanted
    first_try = [_Explainer(stepper, 3).build(ref).one_line() for ref in _element_refs(stepper, "hidden.net")]
    assert sum(a != b for a, b in zip(first_try, lines)) >= 3  # written with more digits than the display's


def test_an_operand_index_that_is_no_linear_step_is_left_to_explain(every_array: None) -> None:
    """A dense layer reading a [2, 3, 4] input reads x at the input's index of its flat
    position (not a linear step of the weight's index): no template fills its gradients."""
    stepper = Stepper(_dense(24, "[2, 3, 4]"))
    stepper.run_iteration()
    lines = array_lines(stepper, "hidden.grad_weight", 3)
    assert lines is None or set(lines) == {None}
    assert array_lines(stepper, "hidden.weight", 3) is not None  # a given value's line is the same everywhere


def test_value_dependent_shapes_are_not_templated() -> None:
    """relu's slope is written 1 or 0 by the value of z, a max pool's sum by its winner:
    those lines are explained value by value."""
    stepper = Stepper(load("digits"))
    stepper.run_iteration()
    assert not templated(stepper, "conv.delta")  # relu
    assert not templated(stepper, "pool.out")  # the max of each window
    assert not templated(stepper, "pool.grad_out")
    assert templated(stepper, "conv.net") and templated(stepper, "out.grad_weight")


def test_a_probe_refuses_a_number_worked_out_from_the_operands() -> None:
    """Adam writes m̂ and v̂, worked out from the gradient: no stored operand, so no template."""
    scenario = load("adam-step")
    stepper = Stepper(scenario)
    stepper.run_iteration()
    with pytest.raises(NotTemplated):
        Probe(stepper, scenario.decimals).template(QuantityRef("out", "new_weight", (0, 0)))
    line, substituted, checked = Probe(stepper, scenario.decimals).template(QuantityRef("out", "weight", (0, 0)))
    assert "\x01" in line and not substituted and not checked


@pytest.mark.parametrize("name", [n for n in bundled_names() if not n.startswith("digits")])
def test_the_report_sections_write_explains_lines(name: str, every_array: None) -> None:
    scenario = load(name)
    stepper = Stepper(scenario)
    stepper.run_iteration()
    made = [(title, list(lines)) for title, lines in section_lines(stepper, scenario.decimals)]
    wanted = [(title, [d.one_line() for d in items])
              for title, items in section_derivations(stepper, scenario.decimals)]
    assert made == wanted


def test_a_line_writer_takes_its_literal_texts_as_values_never_as_code() -> None:
    """A template's literal texts (layer names and symbols from the user's file among them)
    are handed to the made line writer as values: braces, quotes, backslashes and code-like
    names come out as they went in, and nothing of them is run."""
    from core.explain.array_lines import _joiner

    hostile = ['{__import__("os").system("false")}', 0, '"; raise SystemExit #\\n{{x}}\'', 1, "}{", 0]
    join = _joiner(hostile)
    columns = [["0.1", "−2"], ["{y}", "3e-5"]]
    expected = [f'{hostile[0]}{a}{hostile[2]}{b}{hostile[4]}{a}' for a, b in zip(*columns)]
    assert join(columns) == expected
