"""Issue 2, check 4: derivations (core.explain.explainer) show what a learner must see, and are right."""

from __future__ import annotations

import math

import numpy as np
import pytest
from fixtures import worked_example as W
from fixtures.formula_eval import evaluate
from fixtures.helpers import build, random_samples, randomise_biases, run_one_iteration, scenario_text

from core.engine.stepper import Stepper
from core.errors import QuantityError
from core.explain.explainer import MAX_TERMS, explain
from core.exports.report import quantity_names
from core.scenario.catalog import load


@pytest.fixture(scope="module")
def tiny() -> Stepper:
    return run_one_iteration(load("tiny-cnn"))


def element_names(stepper: Stepper, name: str) -> list[str]:
    arr = stepper.array(name)
    if np.ndim(arr) == 0:
        return [name]
    return [f"{name}[{','.join(map(str, idx))}]" for idx in np.ndindex(np.shape(arr))]


def test_output_weight_update(tiny: Stepper) -> None:
    d = explain(tiny, "out.new_weight[0,0]", 3)
    line = d.one_line()
    assert "0.1 − 0.5·(−0.294)·0.608" in line
    assert line.endswith("= 0.189")
    assert "w_out[0,0] − α·δ_out[0]·a_fc[0]" in line
    assert d.value == tiny.value("out.new_weight[0,0]")


def test_output_delta_with_jacobian_steps(tiny: Stepper) -> None:
    d = explain(tiny, "out.delta[0]", 3)
    line = d.one_line()
    assert "a_out[0] − y[0]" in line
    assert "0.706 − 1" in line
    assert line.endswith("= −0.294")
    assert d.steps, "softmax + cross-entropy shows the Jacobian derivation"
    steps = "\n".join(d.steps)
    assert "a_i·(1 − a_i)" in steps and "−a_i·a_j" in steps
    assert "a_i − y_i" in steps
    assert "derivation:" in d.text(with_steps=True)
    assert d.value == tiny.value("out.delta[0]")


def test_fc_delta_uses_forward_weights(tiny: Stepper) -> None:
    d = explain(tiny, "fc.delta[0]", 3)
    line = d.one_line()
    assert "δ_out[0]·w_out[0,0] + δ_out[1]·w_out[1,0]" in line
    assert "a_fc[0]·(1 − a_fc[0])" in line
    # the forward pass's weights 0.1 and −0.1, not the updated 0.189
    assert "((−0.294)·0.1 + 0.294·(−0.1)) · 0.608·(1 − 0.608)" in line
    assert "0.189" not in line
    assert line.endswith("= −0.014")
    assert d.value == pytest.approx(W.VALUES["fc.delta"][0], abs=1e-6)


def test_conv_grad_weight_sums_over_positions(tiny: Stepper) -> None:
    d = explain(tiny, "conv.grad_weight[0,0,2]", 3)
    line = d.one_line()
    assert "δ_conv[0,0]·x[0,2] + δ_conv[0,1]·x[0,3]" in line
    assert "0·0 + 0.000326·0.1" in line
    assert any("sum over every output position" in note for note in d.notes)
    assert d.value == pytest.approx(0.0000326255, abs=1e-10)


def test_max_pool_routes_gradient(tiny: Stepper) -> None:
    not_max = explain(tiny, "conv.grad_out[0,0]", 3)
    assert not_max.value == 0.0
    assert not_max.one_line() == "∂C/∂a_conv[0,0] = 0"
    assert any("not the maximum" in note for note in not_max.notes)
    is_max = explain(tiny, "conv.grad_out[0,1]", 3)
    assert "∂C/∂a_conv[0,1] = ∂C/∂a_pool[0,0]" in is_max.one_line()
    assert any("is the maximum" in note for note in is_max.notes)
    assert is_max.value == tiny.value("pool.grad_out[0,0]")
    # filter 2's maximum is at position 0
    assert "∂C/∂a_pool[1,0]" in explain(tiny, "conv.grad_out[1,0]", 3).one_line()
    assert explain(tiny, "conv.grad_out[1,1]", 3).value == 0.0


def test_pool_out_names_the_maximum(tiny: Stepper) -> None:
    d = explain(tiny, "pool.out[0,0]", 3)
    assert "max(a_conv[0,0], a_conv[0,1]) = max(0.625, 0.629) = 0.629" in d.one_line()
    assert any("a_conv[0,1]" in note for note in d.notes)


def test_loss_and_forward_lines(tiny: Stepper) -> None:
    assert explain(tiny, "loss", 3).one_line() == \
        "C = −(y[0]·ln a_out[0] + y[1]·ln a_out[1]) = −(1·ln 0.7065 + 0·ln 0.2935) = 0.347"
    assert explain(tiny, "conv.net[0,0]", 3).one_line().endswith("= 0.1·0.1 + 0.2·0 + 0.3·0 + 0.5 = 0.510")
    assert explain(tiny, "out.grad_out[0]", 3).one_line() == "∂C/∂a_out[0] = −y[0] / a_out[0] = −1 / 0.7065 = −1.415"


def test_small_values_keep_significant_digits(tiny: Stepper) -> None:
    line = explain(tiny, "conv.delta[0,1]", 3).one_line()
    assert line.endswith("= 0.000326")


@pytest.mark.parametrize("decimals", [None, 3, 6])
def test_every_derivation_of_tiny_cnn(tiny: Stepper, decimals) -> None:
    for name in quantity_names(tiny):
        for element in element_names(tiny, name):
            d = explain(tiny, element, decimals)
            assert d.name == element
            assert d.value == tiny.value(element)
            assert d.one_line() and d.text() and d.markdown()
            if decimals is None:
                assert math.isclose(evaluate(d.substituted or d.formula), d.value, rel_tol=1e-9,
                                    abs_tol=1e-15), element


NETWORKS = [
    ("conv2d-avgpool-mse", [2, 6, 5], [
        {"type": "conv2d", "filters": 2, "kernel": [2, 3], "stride": [2, 1], "padding": [1, 0], "activation": "tanh"},
        {"type": "avgpool2d", "size": 2}, {"type": "flatten"},
        {"type": "dense", "units": 3, "activation": "linear"}], "mse", 3),
    ("conv2d-relu-maxpool-conv2d-softmax-se", [1, 7, 7], [
        {"type": "conv2d", "filters": 2, "kernel": 3, "stride": 2, "padding": 1, "activation": "relu"},
        {"type": "maxpool2d", "size": 2, "stride": 1},
        {"type": "conv2d", "filters": 2, "kernel": 2, "activation": "sigmoid"},
        {"type": "dense", "units": 3, "activation": "softmax"}], "squared_error", 3),
    ("conv1d-overlapping-pools-sigmoid-ce", [2, 9], [
        {"type": "conv1d", "filters": 3, "kernel": 3, "stride": 2, "padding": 1, "activation": "tanh",
         "frozen": ["bias"]},
        {"type": "maxpool1d", "size": 3, "stride": 1}, {"type": "avgpool1d", "size": 2},
        {"type": "dense", "units": 3, "activation": "sigmoid"}], "cross_entropy", 3),
    ("dense-frozen-softmax-ce", [4], [
        {"type": "dense", "units": 3, "activation": "relu", "frozen": ["weight"]},
        {"type": "dense", "units": 3, "activation": "softmax"}], "cross_entropy", 3),
    ("conv-softmax-last", [1, 4], [{"type": "conv1d", "filters": 2, "kernel": 3, "activation": "softmax"}],
     "cross_entropy", 4),
    ("pool-last", [1, 6], [{"type": "conv1d", "filters": 2, "kernel": 2, "activation": "tanh"},
                           {"type": "maxpool1d", "size": 2}], "mse", 4),
    ("flatten-first", [2, 2, 2], [{"type": "flatten"}, {"type": "dense", "units": 2, "activation": "sigmoid"}],
     "squared_error", 2),
]


@pytest.mark.parametrize("batch", [1, 2])
@pytest.mark.parametrize("net", NETWORKS, ids=[n[0] for n in NETWORKS])
def test_derivations_evaluate_to_the_stored_value(net, batch) -> None:
    """At full precision, each derivation's substituted arithmetic gives its value back."""
    _, shape, layers, loss, outputs = net
    rng = np.random.default_rng(len(layers) + batch)
    scenario = build(scenario_text(shape, layers, loss, random_samples(rng, tuple(shape), outputs, loss, 3),
                                   0.3, batch, seed=5))
    randomise_biases(scenario, rng)
    stepper = run_one_iteration(scenario)
    checked = 0
    for name in quantity_names(stepper):
        for element in element_names(stepper, name):
            d = explain(stepper, element, None)
            assert d.value == stepper.value(element), element
            text = d.substituted or d.formula
            if "…" in text:
                continue  # long sums show their first terms only
            assert math.isclose(evaluate(text), d.value, rel_tol=1e-9, abs_tol=1e-12), (element, text)
            checked += 1
    assert checked > 40


def test_lone_product_of_two_negatives_keeps_its_parentheses() -> None:
    """Regression: ``(−a)·(−b)`` as the only term lost its outer parentheses unevenly."""
    text = scenario_text([2], [{"type": "dense", "units": 1, "activation": "linear", "weight": [[1.0, 1.0]],
                                "bias": [0.0]}], "squared_error", [{"x": [-0.5, 0.25], "y": [1.0]}])
    stepper = run_one_iteration(build(text))
    d = explain(stepper, "dense1.grad_weight[0,0]", 3)
    assert stepper.value("dense1.delta[0]") < 0
    assert d.one_line() == "∂E/∂w_dense1[0,0] = δ_dense1[0]·x[0] = (−1.25)·(−0.5) = 0.625"


def test_batch_derivations_show_the_batch() -> None:
    layers = [{"type": "dense", "units": 2, "activation": "softmax"}]
    rng = np.random.default_rng(0)
    scenario = build(scenario_text([3], layers, "cross_entropy", random_samples(rng, (3,), 2, "cross_entropy", 2),
                                   0.1, 2))
    stepper = run_one_iteration(scenario)
    delta = explain(stepper, "dense1.delta[1,0]", 3).one_line()
    assert delta.startswith("δ_dense1[1,0] = (1/2)·(a_dense1[1,0] − y[1,0])")
    grad = explain(stepper, "dense1.grad_weight[0,0]", 3).one_line()
    assert "δ_dense1[0,0]·x[0,0] + δ_dense1[1,0]·x[1,0]" in grad
    assert explain(stepper, "loss", 3).formula.startswith("(1/2)·(")


def test_explain_errors(tiny: Stepper) -> None:
    fresh = Stepper(load("tiny-cnn"))
    with pytest.raises(QuantityError, match="not computed"):
        explain(fresh, "fc.delta[0]")
    with pytest.raises(QuantityError):
        explain(tiny, "nosuch.out[0]")
    with pytest.raises(QuantityError):
        explain(tiny, "fc.out[5]")
    with pytest.raises(QuantityError):
        explain(tiny, "fc.out")
    with pytest.raises(QuantityError):
        explain(tiny, "pool.weight[0]")


@pytest.fixture(scope="module")
def big() -> Stepper:
    """~100,000 parameters: conv2d 8×3×3 on 28×28, max-pool 2, dense 72, dense 10."""
    rng = np.random.default_rng(0)
    layers = [{"name": "conv", "type": "conv2d", "filters": 8, "kernel": 3, "activation": "relu"},
              {"name": "pool", "type": "maxpool2d", "size": 2},
              {"name": "conv2", "type": "conv2d", "filters": 4, "kernel": 3, "padding": 1, "activation": "tanh"},
              {"name": "fc", "type": "dense", "units": 140, "activation": "sigmoid"},
              {"name": "out", "type": "dense", "units": 10, "activation": "softmax"}]
    samples = [{"x": rng.uniform(0, 1, (1, 28, 28)).round(3).tolist(), "label": 3}]
    scenario = build(scenario_text([1, 28, 28], layers, "cross_entropy", samples, 0.1, 1, seed=0))
    assert 95_000 <= scenario.network.parameter_count <= 110_000
    return run_one_iteration(scenario)


@pytest.mark.parametrize("name", ["fc.net[7]", "fc.delta[3]", "fc.grad_weight[5,600]", "fc.new_weight[5,600]",
                                  "out.out[3]", "out.delta[3]", "loss", "conv.grad_weight[2,0,1,1]",
                                  "conv.grad_bias[4]", "conv.net[1,5,5]", "conv.grad_out[0,4,4]",
                                  "pool.grad_out[7,6,6]", "pool.out[0,3,3]", "conv2.grad_out[1,2,3]",
                                  "conv2.new_weight[1,3,2,2]", "conv.delta[3,10,10]", "input[0,14,14]"])
def test_large_network_derivations_stay_short_on_screen(big: Stepper, name: str) -> None:
    """The derivation panel asks for the first MAX_TERMS terms of a long sum: it stays short
    and says how many it leaves out; explained in full, every term is there."""
    d = explain(big, name, 3, max_terms=MAX_TERMS)
    assert d.value == big.value(name)
    line = d.one_line()
    assert len(line) < 800, line[:200]
    assert len(d.text()) < 1500
    full = explain(big, name, 3)
    assert full.hidden == 0 and "more terms" not in full.one_line()
    if name in ("fc.net[7]", "fc.delta[3]", "conv.grad_weight[2,0,1,1]", "conv.grad_bias[4]", "out.out[3]"):
        assert d.hidden > 0 and f"({d.hidden} more terms)" in line
        assert full.one_line().count(" + ") >= MAX_TERMS + d.hidden - 1


def test_softmax_delta_with_edited_targets_shows_the_general_formula() -> None:
    """Found in review: with targets that no longer sum to 1 the panel showed a − y, whose
    arithmetic did not give the value shown."""
    from core.engine.stepper import Stepper
    from core.explain.explainer import explain
    from core.scenario.catalog import load

    stepper = Stepper(load("tiny-cnn"))
    stepper.edit("target[0]", 0.5)
    stepper.forward_all()
    stepper.step_backward()
    line = explain(stepper, "out.delta[0]", 6).one_line()
    assert line == "δ_out[0] = a_out[0]·Σ_j y_j − y[0] = 0.7064811·0.5 − 0.5 = −0.146759"


def test_small_numbers_keep_three_significant_digits_so_a_formula_adds_up() -> None:
    """Found driving the app: '0.001·0.1 = 0.0000662' read as wrong arithmetic."""
    from core.engine.stepper import Stepper
    from core.explain.explainer import explain
    from core.scenario.catalog import load

    stepper = Stepper(load("tiny-cnn"))
    stepper.run_iteration()
    assert explain(stepper, "conv.grad_weight[1,0,0]", 3).one_line().endswith("= 0.000662·0.1 + 0·0 = 0.0000662")
    assert explain(stepper, "conv.delta[0,1]", 3).one_line().endswith("= 0.001399 · 0.6295·(1 − 0.6295) = 0.000326")
    assert explain(stepper, "fc.grad_weight[0,0]", 3).one_line().endswith("= (−0.0140)·0.629 = −0.00881")


@pytest.mark.parametrize("name, symbol", [("tiny-cnn", "C"), ("two-layer-sigmoid", "E")])
def test_derivation_words_use_the_losss_own_symbol(name: str, symbol: str) -> None:
    """δ = ∂E/∂net stood beside C = −(y·ln a …) for cross-entropy: one symbol for the loss."""
    stepper = Stepper(load(name))
    stepper.run_iteration()
    other = "E" if symbol == "C" else "C"
    seen = 0
    from core.engine.quantities import format_index

    cells = [f"{a}{format_index(i) if i else ''}" for a in quantity_names(stepper)
             for i in np.ndindex(stepper.array(a).shape)]
    for q in cells:
        d = explain(stepper, q, 3)
        words = " ".join((d.title, *d.notes, *d.steps, d.formula))
        assert f"∂{other}/" not in words, (q, words)
        seen += f"∂{symbol}/" in words
    assert seen > 10
    assert explain(stepper, stepper.network.layers[-1].name + ".delta[0]").title.startswith(f"δ = ∂{symbol}/∂net")


def test_a_2d_max_pool_names_the_maximum_by_row_and_column_of_its_window() -> None:
    stepper = Stepper(load("x-vs-o"))
    stepper.forward_all()
    notes = [explain(stepper, f"pool.out[{c},{i},{j}]").notes[0] for c in range(2) for i in range(2) for j in range(2)]
    assert all("of its window)" in n and "offset" not in n for n in notes)
    source = notes[0].split("the maximum is ")[1].split(" ")[0]  # a_conv[c,i,j]: where it sits in the window
    c, i, j = (int(v) for v in source[len("a_conv["):-1].split(","))
    kh, kw = stepper.network.layer("pool").geometry.kernel
    assert f"(row {i % kh}, column {j % kw} of its window)" in notes[0]
