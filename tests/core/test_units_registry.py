"""Walk the registries: every layer type, activation and loss is fully described and checked.

A layer type, activation or loss added to its registry is picked up here without editing
this file: its example networks are gradient-checked with finite differences, every
derivation is evaluated back to its stored value, and (with torch installed) the PyTorch
export must print the same numbers.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fixtures.formula_eval import evaluate
from fixtures.helpers import build, check_all_gradients, random_samples, randomise_biases, scenario_text
from fixtures.torch_scripts import run_script

from core.engine.quantities import KINDS
from core.engine.stepper import Stepper
from core.errors import ScenarioError
from core.explain.explainer import explain
from core.exports.pytorch import to_pytorch
from core.exports.report import _element_names as element_names
from core.exports.report import quantity_names, solve, to_json
from core.nn.activations import ACTIVATIONS, get_activation
from core.nn.layers import LAYER_CLASSES, LAYER_TYPES, Field, Layer, register
from core.nn.layers.terms import Terms
from core.nn.losses import LOSSES, get_loss

try:
    import torch  # noqa: F401
    HAS_TORCH = True
except ImportError:  # pragma: no cover - torch is optional
    HAS_TORCH = False

HEAD = {"name": "head", "type": "dense", "units": 2, "activation": "sigmoid"}


def _example_cases() -> list[tuple[str, tuple[int, ...], list[dict[str, Any]]]]:
    cases = []
    for kind in LAYER_TYPES:
        for shape, spec in LAYER_CLASSES[kind].examples:
            if spec["type"] == kind:
                cases.append((kind, shape, [dict(spec), HEAD]))
    return cases


EXAMPLES = _example_cases()
ELEMENTWISE = [name for name in ACTIVATIONS if not get_activation(name).coupled]


def _activation_case(name: str, settings: dict[str, float] | None = None) -> list[dict[str, Any]]:
    return [{"name": "hidden", "type": "dense", "units": 4, "activation": name, **(settings or {})},
            {"name": "head", "type": "dense", "units": 2, "activation": "linear"}]


def _stepper(shape, layers, loss="squared_error", batch=2, outputs=2, seed=3) -> Stepper:
    rng = np.random.default_rng(seed)
    scenario = build(scenario_text(list(shape), layers, loss, random_samples(rng, tuple(shape), outputs, loss, 3),
                                   0.3, batch, seed=seed))
    randomise_biases(scenario, rng)
    return check_all_gradients(scenario)


def _evaluate_every_derivation(stepper: Stepper) -> int:
    checked = 0
    for name in quantity_names(stepper):
        for element in element_names(stepper, name):
            d = explain(stepper, element, None)
            assert d.value == stepper.value(element), element
            text = d.substituted or d.formula
            if "…" not in text:
                assert math.isclose(evaluate(text), d.value, rel_tol=1e-9, abs_tol=1e-12), (element, text)
                checked += 1
    return checked


def _torch_agrees(stepper: Stepper, tmp_path: Path) -> None:
    script = tmp_path / "iteration.py"
    script.write_text(to_pytorch(stepper), encoding="utf-8")
    result = run_script(script)
    assert result.returncode == 0, result.stderr
    theirs = json.loads(result.stdout)["iterations"][0]
    ours = json.loads(to_json(stepper.scenario, solve(stepper.scenario)))["iterations"][0]
    assert theirs["loss"] == pytest.approx(ours["loss"], abs=1e-9)
    assert set(theirs["values"]) == set(ours["values"])
    for name, value in ours["values"].items():
        np.testing.assert_allclose(np.array(theirs["values"][name]), np.array(value), rtol=0, atol=1e-9,
                                   err_msg=name)


# --- layers -----------------------------------------------------------------------------
def test_every_layer_type_has_a_class_with_fields_and_an_example() -> None:
    assert set(LAYER_TYPES) == {"dense", "conv1d", "conv2d", "maxpool1d", "maxpool2d", "avgpool1d", "avgpool2d",
                                "flatten"} | (set(LAYER_TYPES) - {"dense"})  # later layers join freely
    for kind in LAYER_TYPES:
        cls = LAYER_CLASSES[kind]
        assert all(isinstance(f, Field) for f in cls.fields), kind
        assert kind in {spec["type"] for _, spec in cls.examples}, kind
    assert {kind for kind, _, _ in EXAMPLES} == set(LAYER_TYPES)


@pytest.mark.parametrize("batch", [1, 2])
@pytest.mark.parametrize("case", EXAMPLES, ids=[f"{c[0]}-{i}" for i, c in enumerate(EXAMPLES)])
def test_every_layer_example_is_gradient_checked_and_explained(case, batch) -> None:
    kind, shape, layers = case
    stepper = _stepper(shape, layers, batch=batch)
    layer = stepper.network.layers[0]
    assert set(layer.kinds) <= set(KINDS), f"{kind} names a kind the registry lacks"
    size = type(layer).spec_size(stepper.scenario.layer_specs[0], tuple(shape))  # the loader's budget
    assert size is not None and size.out_shape == layer.out_shape
    assert size.parameters == sum(int(np.prod(s)) for s in layer.param_shapes().values())
    if layer.gradient_is_one_product:  # the update writes the gradient in: it must be one product
        for pname, pshape in layer.param_shapes().items():
            for idx in np.ndindex(pshape):
                assert layer.param_grad_terms(pname, idx, 1, 4).total == 1, (pname, idx)
    assert layer.torch_lines() and all(isinstance(line, str) for line in layer.torch_lines())
    terms = (layer.net_terms(0, (0,) * len(layer.out_shape), 4) if layer.has_net
             else layer.out_terms(stepper.cache(layer.name), 0, (0,) * len(layer.out_shape), 4))
    assert isinstance(terms, Terms) and terms.terms
    assert _evaluate_every_derivation(stepper) > 10


@pytest.mark.skipif(not HAS_TORCH, reason="torch is not installed (pip install torch==2.13.0)")
@pytest.mark.parametrize("case", EXAMPLES, ids=[f"{c[0]}-{i}" for i, c in enumerate(EXAMPLES)])
def test_every_layer_example_agrees_with_pytorch(case, tmp_path: Path) -> None:
    kind, shape, layers = case
    stepper = Stepper(_stepper(shape, layers).scenario)
    stepper.run_iteration()
    _torch_agrees(stepper, tmp_path)


def test_registration_refuses_a_layer_that_is_not_fully_described() -> None:
    class Half(Layer):
        type_names = ("half",)
        examples = (((2,), {"name": "h", "type": "half"}),)

        def forward(self, params, x):  # pragma: no cover - never run
            return None, x, None

    with pytest.raises(TypeError, match="Half is not fully described: from_spec, spec_size, input_grad, "
                                        "input_grad_terms, torch_lines, net_terms"):
        register(Half)
    assert "half" not in LAYER_CLASSES


def test_registration_refuses_a_type_name_twice() -> None:
    class Again(LAYER_CLASSES["flatten"]):  # type: ignore[misc, valid-type]
        pass

    with pytest.raises(TypeError, match="'flatten' is registered twice"):
        register(Again)
    assert LAYER_CLASSES["flatten"] is not Again


# --- activations and losses -------------------------------------------------------------
@pytest.mark.parametrize("batch", [1, 2])
@pytest.mark.parametrize("name", ELEMENTWISE)
def test_every_activation_is_gradient_checked_and_explained(name, batch) -> None:
    stepper = _stepper((3,), _activation_case(name), loss="mse", batch=batch)
    assert _evaluate_every_derivation(stepper) > 20
    d = explain(stepper, "hidden.delta[0,1]" if batch > 1 else "hidden.delta[1]", 3)
    assert f"f′ of {name}" in d.text() or name == "linear"


@pytest.mark.skipif(not HAS_TORCH, reason="torch is not installed (pip install torch==2.13.0)")
@pytest.mark.parametrize("name", ELEMENTWISE)
def test_every_activation_agrees_with_pytorch(name, tmp_path: Path) -> None:
    settings = {"negative_slope": 0.2} if get_activation(name).fields else None
    stepper = Stepper(_stepper((3,), _activation_case(name, settings), loss="mse").scenario)
    stepper.run_iteration()
    _torch_agrees(stepper, tmp_path)


def _loss_cases() -> list[tuple[str, str]]:
    """(loss, output activation): each fused form of each loss, and sigmoid for the others."""
    cases = []
    for name in LOSSES:
        loss = get_loss(name)
        heads = [loss.needs] if loss.needs else [f.activation for f in loss.fused] or ["sigmoid"]
        cases += [(name, head) for head in heads]
    return cases


LOSS_CASES = _loss_cases()


def _loss_stepper(loss: str, head: str, batch: int = 2) -> Stepper:
    layers = [{"name": "hidden", "type": "dense", "units": 4, "activation": "tanh"},
              {"name": "head", "type": "dense", "units": 3, "activation": head}]
    return _stepper((3,), layers, loss=loss, batch=batch, outputs=3)


@pytest.mark.parametrize("batch", [1, 2])
@pytest.mark.parametrize("case", LOSS_CASES, ids=[f"{loss}-{head}" for loss, head in LOSS_CASES])
def test_every_loss_is_gradient_checked_and_explained(case, batch) -> None:
    stepper = _loss_stepper(*case, batch=batch)
    assert _evaluate_every_derivation(stepper) > 20
    fused = stepper.network.fused
    if fused is not None:  # the output δ is written by the fused form, with its note
        d = explain(stepper, "head.delta[0,1]" if batch > 1 else "head.delta[1]", 3)
        assert d.notes[0].startswith(f"{fused.activation} + "), d.notes


@pytest.mark.skipif(not HAS_TORCH, reason="torch is not installed (pip install torch==2.13.0)")
@pytest.mark.parametrize("case", LOSS_CASES, ids=[f"{loss}-{head}" for loss, head in LOSS_CASES])
def test_every_loss_agrees_with_pytorch(case, tmp_path: Path) -> None:
    stepper = Stepper(_loss_stepper(*case).scenario)
    stepper.run_iteration()
    _torch_agrees(stepper, tmp_path)


def test_every_activation_and_loss_entry_is_complete() -> None:
    for name in ACTIVATIONS:
        act = get_activation(name)
        assert act.torch_expression() and act.formula and act.derivative_formula
        assert act.coupled or (act.value_text is not None and act.slope_text is not None), name
    for name in LOSSES:
        loss = get_loss(name)
        assert loss.torch and loss.symbol in ("C", "E") and loss.formula and loss.grad_formula


# --- leaky_relu, the activation added as one entry ---------------------------------------
LEAKY = """\
format: 1
name: leaky
input: [2]
samples:
  - {x: [1.0, -3.0], y: [0.5]}
layers:
  - {name: h, type: dense, units: 2, activation: leaky_relu, negative_slope: 0.1,
     weight: [[1.0, 1.0], [0.5, 0.0]], bias: [0.0, 0.0]}
  - {name: o, type: dense, units: 1, activation: linear, weight: [[1.0, 2.0]], bias: [0.0]}
loss: squared_error
learning_rate: 0.1
"""


def test_leaky_relu_values_and_derivations_with_its_slope() -> None:
    from core.scenario.load import parse_scenario

    stepper = Stepper(parse_scenario(LEAKY))
    stepper.run_iteration()
    # z = [1 − 3, 0.5] = [−2, 0.5]; a = [−0.2, 0.5]; out = −0.2 + 1 = 0.8
    assert stepper.value("h.out[0]") == pytest.approx(-0.2)
    assert stepper.value("h.out[1]") == pytest.approx(0.5)
    assert explain(stepper, "h.out[0]", 3).one_line() == \
        "a_h[0] = max(0, z_h[0]) + 0.1·min(0, z_h[0]) = max(0, −2) + 0.1·min(0, −2) = −0.200"
    # ∂E/∂o = 0.8 − 0.5 = 0.3; ∂E/∂a_h[0] = 0.3·1; δ_h[0] = 0.3·0.1 = 0.03
    delta = explain(stepper, "h.delta[0]", 3)
    assert delta.one_line() == ("δ_h[0] = (δ_o[0]·w_o[0,0]) · ([z_h[0] > 0] + 0.1·[z_h[0] ≤ 0]) "
                                "= (0.3·1) · 0.1 = 0.030")
    assert "f′ of leaky_relu: [z > 0] + 0.1·[z ≤ 0]" in delta.notes
    assert stepper.value("h.delta[1]") == pytest.approx(0.6)  # z > 0: slope 1, ∂E/∂a = 0.3·2


def test_leaky_relu_slope_defaults_to_one_hundredth() -> None:
    from core.scenario.load import parse_scenario

    stepper = Stepper(parse_scenario(LEAKY.replace(", negative_slope: 0.1", "")))
    stepper.run_iteration()
    assert stepper.value("h.out[0]") == pytest.approx(-0.02)
    assert "F.leaky_relu(z, negative_slope=0.01)" in to_pytorch(stepper)


def test_negative_slope_belongs_to_leaky_relu_only() -> None:
    from core.scenario.load import parse_scenario

    with pytest.raises(ScenarioError, match=r"layers\[0\]\.negative_slope: 'negative_slope' belongs to the "
                                            r"leaky_relu activation, not to tanh"):
        parse_scenario(LEAKY.replace("leaky_relu", "tanh"))
    with pytest.raises(ScenarioError, match=r"unknown field 'negative_slope' for a flatten layer"):
        parse_scenario(LEAKY.replace("  - {name: h, type: dense",
                                     "  - {name: f, type: flatten, negative_slope: 0.1}\n  - {name: h, type: dense"))


def test_negative_slope_survives_save_and_load(tmp_path: Path) -> None:
    from core.scenario.load import load_scenario, parse_scenario
    from core.scenario.save import save_scenario

    saved = save_scenario(parse_scenario(LEAKY), tmp_path / "leaky.yaml")
    assert "negative_slope: 0.1" in saved.read_text(encoding="utf-8")
    stepper = Stepper(load_scenario(saved))
    stepper.run_iteration()
    assert stepper.value("h.out[0]") == pytest.approx(-0.2)
