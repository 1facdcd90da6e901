"""The reports check an array's formulas on whole arrays (core/explain/array_lines
``_reproduces``): its verdict for every element must be the one ``reproduces`` gives that
element's own text, typed in: formulas with groups, functions, powers, divisions (by zero
too), bare negative numbers next to a power (``−0.5²`` is −0.25) and where a bare number's
minus would change how the text reads."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from core.explain import array_lines
from core.explain.arithmetic import NotSameShape, Slot, array_value, reproduces
from core.explain.array_lines import _one_by_one, _reproduces
from core.numbers import fmt

# pieces of formulas: "{}" a bare number, "[]" a number as a factor (a negative one in parentheses)
FORMULAS = [
    "1 / (1 + e^(−{}))", "({}·[] + []·[]) · []·(1 − [])", "[]·(1 − [])", "e^{} / (e^{} + e^{})",
    "tanh({})", "1 − tanh({})²", "{}²", "−{}² + []", "[]^{}", "√[] + {}", "√({} + [])", "ln {}",
    "−({}·ln [] + []·ln [])", "max(0, {})", "min({}, [])·[]", "{} / []", "[] / ({} − [])", "2π·[]",
    "½·[]²", "[]⁻¹", "σ({})", "e^−{}", "{} − {}", "exp([])", "[]·(1 + erf({} / √2))", "{}·½", "1 / (1 + {} / [])",
]


def _numbers(template: str, values: list[np.ndarray]) -> tuple[list, dict, dict, dict, list[str]]:
    """The template as array_lines holds it: parts, texts, factors, values read back."""
    parts: list = []
    texts, factors, backs = {}, {}, {}
    k = 0
    rest = template
    while rest:
        at = min((i for i in (rest.find("{}"), rest.find("[]")) if i >= 0), default=-1)
        if at < 0:
            parts.append(rest)
            break
        if at:
            parts.append(rest[:at])
        written = [fmt(v, 3, sig=3) for v in values[k].tolist()]
        texts[k] = np.array(written, dtype=object)
        factors[k] = np.array([f"({t})" if t[0] == "−" else t for t in written], dtype=object)
        backs[k] = np.array([float(t.replace("−", "-")) for t in written])
        parts.append(("N" if rest[at] == "{" else "P", k))
        k += 1
        rest = rest[at + 2:]
    return parts, texts, factors, backs, written


values_of = st.sampled_from([0.0, 0.5, -0.5, 1.0, -1.0, 2.0, -0.25, 800.0, -800.0, 1e-4, 0.37, -1.3, 3.0])


@settings(max_examples=300, deadline=None)
@given(template=st.sampled_from(FORMULAS), data=st.data())
def test_the_array_wide_check_says_what_reproduces_says_of_every_element(template: str, data: st.DataObject) -> None:
    count = 6
    slots = template.count("{}") + template.count("[]")
    values = [np.array(data.draw(st.lists(values_of, min_size=count, max_size=count))) for _ in range(slots)]
    parts, texts, factors, backs, _ = _numbers(template, values)
    elementwise = _one_by_one(parts, texts, factors, [""] * count)  # (no result: parse only)
    assert elementwise.size == count
    results = data.draw(st.lists(st.sampled_from(["0.622", "−0.25", "0.25", "1.00", "0", "−1.3", "2.72", "0.5"]),
                                 min_size=count, max_size=count))
    shown = np.array([float(r.replace("−", "-")) for r in results])
    half = np.array([0.5 * 10.0 ** -len(r.partition(".")[2]) for r in results])
    one_by_one = [reproduces("".join(row), result) for row, result in zip(zip(*(
        [p] * count if isinstance(p, str) else (texts if p[0] == "N" else factors)[p[1]].tolist() for p in parts)),
        results)]
    assert _reproduces(parts, texts, factors, backs, results, shown, half).tolist() == one_by_one


def test_every_element_is_checked_with_its_own_numbers() -> None:
    """A sigmoid's formula: the elements that reproduce and the one that does not."""
    z = np.array([0.5, -1.0, 2.0])
    parts, texts, factors, backs, _ = _numbers("1 / (1 + e^(−{}))", [z])
    results = ["0.622", "0.269", "0.500"]  # σ(0.5), σ(−1), but not σ(2) = 0.881
    shown = np.array([0.622, 0.269, 0.5])
    verdict = _reproduces(parts, texts, factors, backs, results, shown, np.full(3, 0.0005))
    assert verdict.tolist() == [True, True, False]


def test_a_bare_number_s_minus_reads_as_on_paper() -> None:
    """``−0.5²`` is −(0.5²), the minus of the number read where it stands, not (−0.5)²."""
    value, failed = array_value(["−", Slot(np.array([0.5, -0.5]), bare=True), "²"], 2)  # −0.5², −−0.5²
    assert value.tolist() == [-0.25, 0.25] and not failed.any()
    value, _ = array_value([Slot(np.array([0.5, -0.5]), bare=True), "²"], 2)  # 0.5², −0.5²
    assert value.tolist() == [0.25, -0.25]
    value, _ = array_value(["(", Slot(np.array([-0.5]), bare=False), ")", "²"], 1)  # (−0.5)²
    assert value.tolist() == [0.25]


def test_where_python_raises_the_element_fails_and_where_the_sign_changes_the_reading_it_says_so() -> None:
    value, failed = array_value(["1", "/", Slot(np.array([0.0, 2.0]), bare=False)], 2)
    assert failed.tolist() == [True, False] and value[1] == 0.5
    _, failed = array_value(["ln", Slot(np.array([0.0, 1.0]), bare=False)], 2)
    assert failed.tolist() == [True, False]
    _, failed = array_value(["e^", Slot(np.array([800.0, 1.0]), bare=False)], 2)  # e^800 overflows
    assert failed.tolist() == [True, False]
    try:  # √−0.5 is no arithmetic, √0.5 is: the elements do not read alike
        array_value(["√", Slot(np.array([0.5, -0.5]), bare=True)], 2)
    except NotSameShape:
        pass
    else:
        raise AssertionError("√ of a bare negative number read as arithmetic")
    assert array_value(["x", "+", Slot(np.array([1.0]), bare=True)], 1) is None  # not arithmetic: yes to all


def test_a_sigmoid_and_a_hidden_delta_are_checked_array_wide(monkeypatch) -> None:
    """The formulas with groups are read over whole arrays: the reader one by one is not asked."""
    from core.engine.stepper import Stepper
    from core.scenario.load import parse_scenario

    calls = []
    monkeypatch.setattr(array_lines, "_one_by_one", lambda *a: calls.append(a) or _one_by_one(*a))
    scenario = parse_scenario("\n".join([
        "format: 1", "name: sigmoid", "input: [12]", "samples:",
        "  - {x: [0.1, -0.2, 0.3, 0.4, -0.5, 0.6, 0.7, -0.8, 0.9, 0.15, 0.25, -0.35], label: 1}",
        "layers:", "  - {name: h, type: dense, units: 12, activation: sigmoid}",
        "  - {name: out, type: dense, units: 2, activation: softmax}",
        "loss: cross_entropy", "learning_rate: 0.1", "seed: 0", "init: xavier", ""]))
    stepper = Stepper(scenario)
    stepper.run_iteration()
    for name in ("h.out", "h.delta"):
        lines = array_lines.array_lines(stepper, name, scenario.decimals)
        assert lines is not None and None not in lines, name
    assert not calls
