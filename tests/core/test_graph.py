"""The network as a graph: layers name their ``inputs``, ``add`` sums them, and the
gradient a layer receives along several paths adds up (contract §6.2)."""

from __future__ import annotations

import importlib.util
import math

import numpy as np
import pytest
from fixtures.cli_run import FIXTURES
from fixtures.formula_eval import evaluate
from fixtures.helpers import build, check_all_gradients, random_samples, randomise_biases, scenario_text
from fixtures.torch_scripts import run_script

from core.engine.passes import gradients
from core.engine.stepper import Stepper
from core.engine.training import Trainer
from core.errors import ScenarioError
from core.explain.explainer import explain
from core.exports.report import quantity_names, solve
from core.learner.diagnosis import diagnose
from core.learner.gradcheck import gradient_check
from core.learner.quiz import Quiz
from core.nn.layers.add import Add
from core.scenario.budget import layer_sizes
from core.scenario.catalog import load
from core.scenario.load import parse_scenario

# the add layer alone (the bundled residual-block now has batch norm on its inner path)
RESIDUAL_PLAIN = str(FIXTURES / "scenarios" / "residual-plain.yaml")

# dense → dense → add(skip) → dense: h1 is read by h2 and by skip (fan-out)
RESIDUAL = [
    {"name": "h1", "type": "dense", "units": 3, "activation": "tanh"},
    {"name": "h2", "type": "dense", "units": 3, "activation": "sigmoid"},
    {"name": "skip", "type": "add", "inputs": ["h1", "h2"], "activation": "relu"},
    {"name": "out", "type": "dense", "units": 2, "activation": "softmax"},
]
# a conv block whose sum reads three layers' outputs, the sample among them; c1 is read
# by c2 and by the sum, and a dense layer reads the input again past everything
CONV_BLOCK = [
    {"name": "c1", "type": "conv1d", "filters": 2, "kernel": 3, "padding": 1, "activation": "tanh"},
    {"name": "c2", "type": "conv1d", "filters": 2, "kernel": 3, "padding": 1, "activation": "linear"},
    {"name": "c0", "type": "conv1d", "filters": 2, "kernel": 1, "inputs": ["input"], "activation": "linear"},
    {"name": "sum", "type": "add", "inputs": ["c2", "c1", "c0"], "activation": "sigmoid"},
    {"name": "flat", "type": "flatten"},
    {"name": "out", "type": "dense", "units": 2, "activation": "sigmoid"},
]
# two branches from the input, summed: b comes after a in the file but does not read it
BRANCHES = [
    {"name": "a", "type": "dense", "units": 2, "activation": "tanh"},
    {"name": "b", "type": "dense", "units": 2, "activation": "relu", "inputs": ["input"]},
    {"name": "s", "type": "add", "inputs": ["a", "b"], "activation": "linear"},
]


def graph_scenario(layers: list[dict], shape: list[int], loss: str, batch: int, seed: int = 3,
                   outputs: int = 2) -> object:
    rng = np.random.default_rng(seed + batch)
    scenario = build(scenario_text(shape, layers, loss, random_samples(rng, tuple(shape), outputs, loss, 4),
                                   0.3, batch, seed=seed))
    randomise_biases(scenario, rng)
    return scenario


# --- finite differences ----------------------------------------------------------------------------

@pytest.mark.parametrize("batch", [1, 3])
@pytest.mark.parametrize("loss", ["cross_entropy", "squared_error"])
def test_residual_block_gradients_match_finite_differences(batch: int, loss: str) -> None:
    stepper = check_all_gradients(graph_scenario(RESIDUAL, [4], loss, batch))
    # h1's gradient really is the sum of the two paths
    terms = stepper.sent_terms("h1")
    assert len(terms) == 2
    np.testing.assert_allclose(stepper.batched("h1.grad_out"), terms[0] + terms[1], rtol=0, atol=0)
    assert not np.allclose(terms[0], 0) and not np.allclose(terms[1], 0)


@pytest.mark.parametrize("batch", [1, 2])
def test_conv_block_with_three_inputs_matches_finite_differences(batch: int) -> None:
    check_all_gradients(graph_scenario(CONV_BLOCK, [1, 5], "mse", batch))


@pytest.mark.parametrize("batch", [1, 2])
def test_add_alone_matches_finite_differences(batch: int) -> None:
    stepper = check_all_gradients(graph_scenario(BRANCHES, [3], "squared_error", batch))
    np.testing.assert_array_equal(stepper.batched("s.net"), stepper.batched("a.out") + stepper.batched("b.out"))
    # add passes its δ back unchanged to both inputs
    np.testing.assert_array_equal(stepper.batched("a.grad_out"), stepper.batched("s.delta"))
    np.testing.assert_array_equal(stepper.batched("b.grad_out"), stepper.batched("s.delta"))


def test_frozen_parameters_in_a_graph_report_gradients_and_keep_their_value() -> None:
    layers = [dict(layer) for layer in RESIDUAL]
    layers[0]["frozen"] = ["weight"]
    layers[1]["frozen"] = ["weight", "bias"]
    stepper = check_all_gradients(graph_scenario(layers, [4], "cross_entropy", 2))
    for name, kind in (("h1", "weight"), ("h2", "weight"), ("h2", "bias")):
        np.testing.assert_array_equal(stepper.values_array(f"{name}.new_{kind}"), stepper.params[name][kind])
        assert np.any(stepper.values_array(f"{name}.grad_{kind}") != 0)
    assert np.any(stepper.values_array("h1.new_bias") != stepper.params["h1"]["bias"])


def test_training_and_stepping_agree_over_several_iterations_of_a_graph() -> None:
    scenario = graph_scenario(CONV_BLOCK, [1, 5], "mse", 2)
    trainer = Trainer(scenario)
    stepper = Stepper(scenario)
    for _ in range(5):
        loss = trainer.step()
        stepper.run_iteration()
        assert loss == stepper.value("loss")
        stepper.advance_to_next()
    for name, params in stepper.params.items():
        for kind, value in params.items():  # the same sums in the same order: equal to the bit
            np.testing.assert_array_equal(trainer.params[name][kind], value)


# --- PyTorch ---------------------------------------------------------------------------------------
HAS_TORCH = importlib.util.find_spec("torch") is not None


@pytest.mark.skipif(not HAS_TORCH, reason="torch is not installed (pip install torch==2.13.0)")
def test_residual_network_agrees_with_pytorch_over_several_sgd_iterations() -> None:
    """The same residual network written directly in PyTorch (autograd), 6 iterations of SGD."""
    import torch

    scenario = graph_scenario(RESIDUAL, [4], "cross_entropy", 2)
    trainer = Trainer(scenario)
    p = {f"{name}.{kind}": torch.tensor(v, dtype=torch.float64, requires_grad=True)
         for name, ps in scenario.params.items() for kind, v in ps.items()}
    rate = scenario.learning_rate
    for _ in range(6):
        x, y = (torch.tensor(a, dtype=torch.float64) for a in trainer.batch(trainer.iteration))
        ours = trainer.step()
        h1 = torch.tanh(x @ p["h1.weight"].T + p["h1.bias"])
        h2 = torch.sigmoid(h1 @ p["h2.weight"].T + p["h2.bias"])
        skip = torch.relu(h1 + h2)
        logits = skip @ p["out.weight"].T + p["out.bias"]
        loss = -(y * torch.log_softmax(logits, dim=1)).sum(dim=1).mean()
        loss.backward()
        assert ours == pytest.approx(loss.item(), abs=1e-12)
        with torch.no_grad():
            for t in p.values():
                t -= rate * t.grad
                t.grad = None
    for key, t in p.items():
        name, kind = key.split(".")
        np.testing.assert_allclose(trainer.params[name][kind], t.detach().numpy(), rtol=0, atol=1e-12,
                                   err_msg=key)


# --- bad graphs: one message each ------------------------------------------------------------------

def refusal(layers: list[dict], shape: list[int] | None = None) -> ScenarioError:
    text = scenario_text(shape or [4], layers, "mse", [{"x": [0.1] * (shape or [4])[0], "y": [0.5, 0.5]}])
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text, file="bad.yaml")
    return caught.value


D2 = {"type": "dense", "units": 2}


def test_unknown_input_name_is_refused() -> None:
    err = refusal([{"name": "a", **D2}, {"name": "s", "type": "add", "inputs": ["a", "nope"]}])
    assert "there is no layer 'nope' to read (layers before 's': input, a)" in str(err)
    assert err.field == "layers[1].inputs" and err.line == 8


def test_reading_a_later_layer_is_refused() -> None:
    err = refusal([{"name": "a", **D2, "inputs": ["b"]}, {"name": "b", **D2}])
    assert "layer 'a' reads 'b', which is listed after it" in str(err)
    assert err.field == "layers[0].inputs"


def test_reading_itself_is_refused() -> None:
    err = refusal([{"name": "a", **D2, "inputs": ["a"]}])
    assert "layer 'a' cannot read its own output" in str(err)


def test_a_dangling_layer_is_refused() -> None:
    err = refusal([{"name": "a", **D2}, {"name": "b", **D2, "inputs": ["input"]}])
    assert "the output of layer 'a' is read by no layer" in str(err)
    assert err.field == "layers[0]" and err.line == 7


def test_add_with_mismatched_shapes_is_refused() -> None:
    err = refusal([{"name": "a", **D2}, {"name": "b", "type": "dense", "units": 3, "inputs": ["input"]},
                   {"name": "s", "type": "add", "inputs": ["a", "b"]}, {"name": "o", **D2}])
    assert "'a' gives [2] and 'b' gives [3]" in str(err)
    assert err.field == "layers[2].inputs"


def test_add_with_one_input_is_refused() -> None:
    err = refusal([{"name": "a", **D2}, {"name": "s", "type": "add", "inputs": ["a"]}])
    assert "an add layer reads two or more inputs, got 1" in str(err)


def test_add_without_inputs_is_refused() -> None:
    err = refusal([{"name": "a", **D2}, {"name": "s", "type": "add"}])
    assert "an add layer needs 'inputs'" in str(err)


def test_a_single_input_layer_given_two_is_refused() -> None:
    err = refusal([{"name": "a", **D2}, {"name": "b", **D2, "inputs": ["a", "input"]}])
    assert "a dense layer reads one input, got 2 (layers that combine several: add)" in str(err)
    assert err.field == "layers[1].inputs"
    err = refusal([{"name": "c", "type": "conv1d", "filters": 1, "kernel": 1},
                   {"name": "p", "type": "avgpool1d", "size": 1, "inputs": ["c", "input"]},
                   {"name": "o", **D2}], shape=[1, 2])
    assert "an avgpool1d layer reads one input, got 2" in str(err)


def test_a_non_name_in_inputs_is_refused() -> None:
    err = refusal([{"name": "a", **D2, "inputs": [3]}])
    assert "expected a layer name (or input), got the number 3" in str(err)
    assert err.field == "layers[0].inputs[0]"


@pytest.mark.parametrize("batch", [1, 2])
def test_an_input_named_twice_is_added_twice(batch: int) -> None:
    layers = [{"name": "h", "type": "dense", "units": 3, "activation": "tanh"},
              {"name": "twice", "type": "add", "inputs": ["h", "h", "input"], "activation": "linear"},
              {"name": "out", "type": "dense", "units": 2, "activation": "sigmoid"}]
    stepper = check_all_gradients(graph_scenario(layers, [3], "squared_error", batch))
    np.testing.assert_allclose(stepper.batched("twice.net"),
                               2 * stepper.batched("h.out") + stepper.batched("input"), rtol=0, atol=1e-15)
    np.testing.assert_allclose(stepper.batched("h.grad_out"), 2 * stepper.batched("twice.delta"), rtol=0, atol=1e-15)


def test_add_fields_are_checked_like_any_layer() -> None:
    err = refusal([{"name": "a", **D2}, {"name": "b", **D2, "inputs": ["input"]},
                   {"name": "s", "type": "add", "inputs": ["a", "b"], "units": 2}])
    assert "unknown field 'units' for a add layer" in str(err) or "unknown field 'units'" in str(err)


# --- the stepper: order, edits, undo ---------------------------------------------------------------

@pytest.fixture
def residual() -> Stepper:
    return Stepper(load(RESIDUAL_PLAIN))


def test_editing_a_weight_clears_only_what_is_downstream_in_the_graph() -> None:
    stepper = Stepper(graph_scenario(BRANCHES, [3], "squared_error", 1))
    stepper.forward_all()
    a_out = stepper.array("a.out")
    message = stepper.edit("b.weight[0,0]", 0.25)
    # b and s are downstream of b's weight; a comes before b and keeps its values
    assert stepper.has("a.out") and stepper.has("a.net")
    assert not stepper.has("b.out") and not stepper.has("s.out")
    assert message == "cleared the forward pass from 'b' on, the backward pass and the update"
    stepper.undo()
    stepper.edit("a.weight[1,2]", -0.4)
    # a is listed first, but b (listed after it) does not read it: b keeps its values
    assert stepper.has("b.out") and stepper.has("b.net")
    assert not stepper.has("a.out") and not stepper.has("s.out") and not stepper.has("loss")
    message = stepper.edit("a.weight[1,1]", -0.3)
    assert message == ("cleared the forward values of 'a' and of the layers that depend on it ('s'), the backward "
                       "pass and the update")
    ph = stepper.phase()
    assert (ph.stage, ph.step, ph.layer) == ("forward", 1, "a")
    stepper.step_forward()
    assert stepper.phase().layer == "s"  # b is still there: the next step is the sum
    assert not np.array_equal(stepper.array("a.out"), a_out)
    stepper.undo()
    stepper.undo()
    stepper.undo()
    np.testing.assert_array_equal(stepper.array("a.out"), a_out)
    assert stepper.has("s.out") and stepper.has("loss")


def test_residual_scenario_edit_of_h2_keeps_h1(residual: Stepper) -> None:
    residual.run_iteration()
    residual.edit("h2.bias[1]", 0.2)
    assert residual.has("h1.out") and not residual.has("h2.out") and not residual.has("skip.net")
    assert not residual.has("h1.grad_out")
    residual.run_iteration()
    assert residual.value("skip.net[1]") == pytest.approx(0.3 + 0.38)


def test_stepping_goes_through_the_layers_in_file_order(residual: Stepper) -> None:
    seen = [residual.step_next() for _ in range(4 + 1 + 4)]
    assert seen == ["forward 1/4: h1", "forward 2/4: h2", "forward 3/4: skip", "forward 4/4: out",
                    "backward 1/4: out", "backward 2/4: skip", "backward 3/4: h2", "backward 4/4: h1",
                    "update"]
    assert residual.phase().stage == "done"


def test_residual_scenario_numbers_by_hand(residual: Stepper) -> None:
    residual.run_iteration()
    assert residual.value("skip.net[0]") == pytest.approx(0.5 + 0.07)
    # h1.grad_out = Σ_i δ_h2[i]·w_h2[i,0] (through h2) + δ_skip[0] (straight through the sum)
    d_h2 = residual.array("h2.delta")
    w_h2 = residual.params["h2"]["weight"]
    through_h2 = float(d_h2 @ w_h2[:, 0])
    assert residual.value("h1.grad_out[0]") == pytest.approx(through_h2 + residual.value("skip.delta[0]"), abs=1e-15)
    assert residual.value("h2.grad_out[0]") == residual.value("skip.delta[0]")
    assert "skip.net" in quantity_names(residual) and "skip.delta" in quantity_names(residual)
    assert "skip.weight" not in quantity_names(residual)
    record = solve(load(RESIDUAL_PLAIN))[0]
    assert all(check.ok for check in record.checks) and len(record.checks) == 5


def test_gradients_of_a_graph_equal_the_steppers(residual: Stepper) -> None:
    residual.run_iteration()
    loss, grads, _ = gradients(residual.network, residual.params, residual.batched("input"),
                               residual.batched("target"))
    assert loss == residual.value("loss")
    for name in ("h1", "h2", "out"):
        for kind in ("weight", "bias"):
            np.testing.assert_array_equal(grads[name][kind], residual.values_array(f"{name}.grad_{kind}"))


# --- explain, diagnosis ----------------------------------------------------------------------------

def test_explain_names_both_paths_of_a_fan_out(residual: Stepper) -> None:
    residual.run_iteration()
    d = explain(residual, "h1.grad_out[0]", 3)
    assert d.formula == "(δ_h2[0]·w_h2[0,0] + δ_h2[1]·w_h2[1,0]) + δ_skip[0]"
    # ((−0.318)·0.2 + 0.424·0.3) + (−0.318) = −0.2544 would not give −0.255: one decimal more does
    assert d.substituted == "((−0.3183)·0.2 + 0.4244·0.3) + (−0.3183)"
    assert d.notes[0].startswith("the output of 'h1' is read along 2 paths ('h2', 'skip')")
    assert d.notes[1].startswith("from 'h2': δ_h2[0]·w_h2[0,0] + δ_h2[1]·w_h2[1,0] = 0.06366")
    assert d.notes[2].startswith("from 'skip': δ_skip[0] = −0.3183")
    exact = explain(residual, "h1.grad_out[0]", None)
    assert math.isclose(evaluate(exact.substituted), exact.value, rel_tol=1e-12)
    net = explain(residual, "skip.net[1]", 3)
    assert net.one_line() == "z_skip[1] = a_h1[1] + a_h2[1] = 0.3 + 0.28 = 0.580"


@pytest.mark.parametrize("batch", [1, 2])
@pytest.mark.parametrize("layers", [RESIDUAL, CONV_BLOCK, BRANCHES], ids=["residual", "conv", "branches"])
def test_every_derivation_of_a_graph_evaluates_to_its_value(layers: list[dict], batch: int) -> None:
    shape = [1, 5] if layers is CONV_BLOCK else [4]
    stepper = Stepper(graph_scenario(layers, shape, "squared_error", batch))
    stepper.run_iteration()
    checked = 0
    for name in quantity_names(stepper):
        arr = stepper.array(name)
        for idx in np.ndindex(np.shape(arr)):
            element = name + (f"[{','.join(map(str, idx))}]" if idx else "")
            d = explain(stepper, element, None)
            text = d.substituted or d.formula
            if "…" in text:
                continue
            assert math.isclose(evaluate(text), d.value, rel_tol=1e-9, abs_tol=1e-12), (element, text)
            checked += 1
    assert checked > 30


def test_following_one_path_only_is_diagnosed(residual: Stepper) -> None:
    residual.run_iteration()
    only_h2, only_skip = (float(t[0, 0]) for t in residual.sent_terms("h1"))
    found = diagnose(residual, "h1.grad_out[0]", round(only_skip, 3), 3)
    assert found is not None and found.slip == "one-path"
    assert "only the term from 'skip'" in found.explanation
    found = diagnose(residual, "h1.delta[0]", round(only_h2, 3), 3)
    assert found is not None and found.slip == "one-path" and "'h2'" in found.explanation


def test_quiz_on_the_residual_block_asks_the_sum_and_names_the_forgotten_path() -> None:
    stepper = Stepper(load(RESIDUAL_PLAIN))
    quiz = Quiz(stepper, layer="skip", kinds="forward")
    assert quiz.current == "skip.net[0]"
    assert quiz.answer("0.570").right
    assert quiz.answer("0.580").right
    quiz = Quiz(stepper, layer="h1", kinds="deltas")
    assert quiz.current == "h1.grad_out[0]"
    answer = quiz.answer("-0.318")  # δ_skip[0] alone: the path through h2 forgotten
    assert not answer.right and answer.diagnosis is not None and answer.diagnosis.slip == "one-path"
    assert answer.derivation.formula == "(δ_h2[0]·w_h2[0,0] + δ_h2[1]·w_h2[1,0]) + δ_skip[0]"


@pytest.mark.parametrize("batch", [1, 2])
def test_the_add_layer_example_builds_and_its_gradients_check(batch: int) -> None:
    """The registry's example of add (it reads the sample twice), then a dense layer."""
    (shape, spec), = Add.examples
    layers = [spec, {"name": "out", "type": "dense", "units": 2, "activation": "sigmoid"}]
    stepper = check_all_gradients(graph_scenario(layers, list(shape), "mse", batch))
    np.testing.assert_array_equal(stepper.batched(f"{spec['name']}.net"), 2 * stepper.batched("input"))
    assert stepper.network.layer(spec["name"]).describe() == "add 2 · tanh"


def test_gradient_check_agrees_on_every_parameter_of_the_residual_block(residual: Stepper) -> None:
    residual.forward_all()
    residual.backward_all()
    for layer in ("h1", "h2", "out"):
        for kind in ("weight", "bias"):
            for index in np.ndindex(residual.params[layer][kind].shape):
                check = gradient_check(residual, f"{layer}.{kind}[{','.join(map(str, index))}]")
                assert check.agrees and check.analytic != 0, check


def test_the_loaders_budget_sizes_follow_the_graph() -> None:
    """A layer that reads the sample after other layers is sized from the sample's shape."""
    layers = [{"name": "a", "type": "dense", "units": 2, "activation": "tanh"},
              {"name": "b", "type": "dense", "units": 5, "inputs": ["input"]},
              {"name": "c", "type": "dense", "units": 2},
              {"name": "s", "type": "add", "inputs": ["a", "c"]}]
    scenario = graph_scenario(layers, [3], "mse", 1)
    sizes = layer_sizes(scenario.input_shape, scenario.layer_specs)
    built = scenario.network.layers
    assert [s.parameters for s in sizes] == [sum(int(np.prod(p)) for p in layer.param_shapes().values())
                                            for layer in built] == [8, 20, 12, 0]
    assert [s.out for s in sizes] == [int(np.prod(layer.out_shape)) for layer in built]


@pytest.mark.skipif(not HAS_TORCH, reason="torch is not installed (pip install torch==2.13.0)")
@pytest.mark.parametrize("case", ["conv", "branches", "add-first", "pool-reads-input"])
def test_pytorch_export_of_a_graph_prints_the_same_values(tmp_path, case: str) -> None:
    import json

    from core.exports.pytorch import to_pytorch
    from core.exports.report import to_json

    layers, shape, loss = {
        "conv": (CONV_BLOCK, [1, 5], "mse"),
        "branches": (BRANCHES, [3], "squared_error"),
        "add-first": ([Add.examples[0][1], {"name": "out", "type": "dense", "units": 2, "activation": "softmax"}],
                      [2, 3], "cross_entropy"),
        "pool-reads-input": ([{"name": "c", "type": "conv1d", "filters": 1, "kernel": 2, "stride": 2},
                              {"name": "p", "type": "maxpool1d", "size": 2, "inputs": ["input"]},
                              {"name": "s", "type": "add", "inputs": ["c", "p"], "activation": "tanh"},
                              {"name": "out", "type": "dense", "units": 2, "activation": "sigmoid"}],
                             [1, 6], "squared_error"),
    }[case]
    scenario = graph_scenario(layers, shape, loss, 2)
    stepper = Stepper(scenario)
    stepper.run_iteration()
    script = tmp_path / "graph.py"
    script.write_text(to_pytorch(stepper), encoding="utf-8")
    result = run_script(script)
    assert result.returncode == 0, result.stderr
    theirs = json.loads(result.stdout)["iterations"][0]["values"]
    ours = json.loads(to_json(scenario, solve(scenario)))["iterations"][0]["values"]
    assert set(theirs) == set(ours)
    for name, value in ours.items():
        np.testing.assert_allclose(np.array(theirs[name]), np.array(value), rtol=0, atol=1e-12, err_msg=name)


def test_graph_messages_quote_long_names_briefly() -> None:
    long_name, unknown = "a" * 300, "z" * 300
    layers = [{"name": long_name, **D2}] + [{"name": f"l{k}", **D2} for k in range(9)]
    layers.append({"name": "s", "type": "add", "inputs": [long_name, unknown]})
    message = str(refusal(layers))
    assert len(message) < 400
    assert "there is no layer 'zzzz" in message and "(220 more characters)" in message
    assert "(layers before 's': input, aaaa" in message and ", … (3 more))" in message
