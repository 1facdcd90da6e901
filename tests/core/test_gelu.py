"""GELU (PyTorch's exact erf form) and the vectorised erf under it: accuracy against
math.erf, hand-worked numbers, finite differences in a residual graph, PyTorch over
several iterations, and the quiz and diagnosis on a GELU layer."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from fixtures.formula_eval import evaluate
from fixtures.helpers import check_all_gradients
from fixtures.modern_graph import graph_scenario, torch_reference

from core.engine.stepper import Stepper
from core.explain.explainer import explain
from core.exports.pytorch import to_pytorch
from core.exports.report import solve, to_json
from core.learner.diagnosis import diagnose
from core.nn.activations import get_activation
from core.nn.erf import erf, erfc, normal_cdf, normal_pdf
from core.scenario.load import parse_scenario

# --- erf --------------------------------------------------------------------------------
GRID = np.concatenate([np.linspace(-7.0, 7.0, 140_001), np.geomspace(1e-300, 1e-2, 2_000),
                       -np.geomspace(1e-300, 1e-2, 2_000), np.linspace(-30.0, 30.0, 6_001)])
GRID = GRID[GRID != 0.0]  # erf(0) = 0 exactly: test_erf_at_the_edges


def test_erf_matches_math_erf_on_a_dense_grid_to_about_one_part_in_ten_to_the_fifteen() -> None:
    mine = erf(GRID)
    ref = np.array([math.erf(v) for v in GRID])
    rel = np.abs(mine - ref) / np.abs(ref)
    assert rel.max() < 1.5e-15, GRID[rel.argmax()]
    assert np.median(rel) < 2.3e-16  # half of them to the last bit or better


def test_erfc_keeps_its_digits_in_the_right_tail() -> None:
    x = np.linspace(2.5, 26.5, 24_001)  # erfc(26.5) ≈ 1e-307, still a normal float
    ref = np.array([math.erfc(v) for v in x])
    assert (np.abs(erfc(x) - ref) / ref).max() < 1.5e-15
    near = np.linspace(-6.0, 2.5, 8_501)  # 1 − erf there (values up to 2): a few ulp of 2 at most
    assert np.abs(erfc(near) - np.array([math.erfc(v) for v in near])).max() < 1e-15


def test_erf_at_the_edges() -> None:
    edges = np.array([0.0, -0.0, 5e-324, -5e-324, 1e308, -1e308, np.inf, -np.inf])
    assert erf(edges).tolist() == [0.0, -0.0, math.erf(5e-324), math.erf(-5e-324), 1.0, -1.0, 1.0, -1.0]
    assert math.copysign(1.0, float(erf(np.array([-0.0]))[0])) == -1.0
    assert erfc(np.array([40.0, -40.0])).tolist() == [0.0, 2.0]
    assert erf(np.zeros((2, 0, 3))).shape == (2, 0, 3)


def test_normal_cdf_and_density_against_the_closed_forms() -> None:
    z = np.linspace(-8.0, 8.0, 1601)
    cdf = np.array([0.5 * math.erfc(-v / math.sqrt(2.0)) for v in z])
    np.testing.assert_allclose(normal_cdf(z), cdf, rtol=2e-15, atol=5e-16)
    tail = z < -3.6  # past the split Φ comes from erfc's own expansion: relative digits kept
    np.testing.assert_allclose(normal_cdf(z)[tail], cdf[tail], rtol=2e-14, atol=0)
    np.testing.assert_allclose(normal_pdf(z), np.exp(-z * z / 2) / math.sqrt(2 * math.pi), rtol=1e-15)


# --- hand-worked numbers ------------------------------------------------------------------
HAND = """\
format: 1
name: gelu by hand
input: [2]
samples:
  - {x: [1.0, -0.5], y: [0.0]}
layers:
  - {name: h, type: dense, units: 2, activation: gelu, weight: [[1.0, 0.0], [0.0, 1.0]], bias: [0.0, 0.0]}
  - {name: o, type: dense, units: 1, activation: linear, weight: [[1.0, 1.0]], bias: [0.0]}
loss: squared_error
learning_rate: 0.1
"""


def test_gelu_values_and_slopes_by_hand() -> None:
    stepper = Stepper(parse_scenario(HAND))
    stepper.run_iteration()
    # z = [1, −0.5]. Φ(1) = 0.5·(1 + erf(0.70711)) = 0.841345, so a = 1·Φ(1) = 0.841345;
    # Φ(−0.5) = 0.308538, a = −0.5·0.308538 = −0.154269
    assert stepper.value("h.out[0]") == pytest.approx(0.8413447460685429, abs=1e-15)
    assert stepper.value("h.out[1]") == pytest.approx(-0.15426876936299347, abs=1e-15)
    # o = 0.841345 − 0.154269 = 0.687076 and E = ½·o², so ∂E/∂a_h = o for both units;
    # f′(1) = Φ(1) + 1·φ(1) = 0.841345 + 0.241971 = 1.083315,
    # f′(−0.5) = 0.308538 − 0.5·0.352065 = 0.132505
    o = 0.8413447460685429 - 0.15426876936299347
    assert stepper.value("h.delta[0]") == pytest.approx(o * 1.0833154705876864, abs=1e-15)
    assert stepper.value("h.delta[1]") == pytest.approx(o * 0.13250487534383712, abs=1e-15)


def test_gelu_derivations_a_learner_can_retype() -> None:
    stepper = Stepper(parse_scenario(HAND))
    stepper.run_iteration()
    out = explain(stepper, "h.out[1]", 3)
    assert out.one_line() == "a_h[1] = 0.5·z_h[1]·(1 + erf(z_h[1]/√2)) = 0.5·(−0.5)·(1 + erf((−0.5)/√2)) = −0.154"
    assert any("Φ(z)" in n and "normal" in n for n in out.notes)
    assert evaluate(out.substituted) == pytest.approx(stepper.value("h.out[1]"), rel=1e-12)
    delta = explain(stepper, "h.delta[1]", 3)
    # the result keeps no zero beyond the display's decimals (0.091, not 0.0910)
    assert delta.one_line() == ("δ_h[1] = (δ_o[0]·w_o[0,1]) · (Φ(z_h[1]) + z_h[1]·φ(z_h[1])) = (0.687·1) · "
                                "(0.5·(1 + erf((−0.5)/√2)) + (−0.5)·e^(−(−0.5)²/2)/√(2π)) = 0.091")
    assert ("f′ of gelu: Φ(z) + z·φ(z), with Φ(z) = 0.5·(1 + erf(z/√2)) and φ(z) = e^(−z²/2)/√(2π)"
            in delta.notes)
    full = explain(stepper, "h.delta[1]", None)
    assert evaluate(full.substituted) == pytest.approx(stepper.value("h.delta[1]"), rel=1e-12)


def test_gelu_exports_as_torch_exact_gelu() -> None:
    assert get_activation("gelu").torch_expression() == "F.gelu(z)"  # approximate='none', the erf form
    stepper = Stepper(parse_scenario(HAND))
    stepper.run_iteration()
    assert "h = F.gelu(z)" in to_pytorch(stepper)


# --- finite differences and PyTorch in a residual graph --------------------------------------
@pytest.mark.parametrize("seed", [5, 11])
def test_gelu_in_a_residual_graph_passes_finite_differences(seed: int) -> None:
    stepper = check_all_gradients(graph_scenario(seed), eps=1e-6, rtol=1e-6, atol=1e-9)
    assert stepper.batch_size == 3
    z = stepper.batched("res.net")
    assert z is not None and (z < 0).any() and (z > 0).any()  # both sides of the curve are checked


def test_gelu_graph_agrees_with_pytorch_over_several_iterations() -> None:
    pytest.importorskip("torch")
    scenario = graph_scenario(5)
    ours = json.loads(to_json(scenario, solve(scenario, iterations=4)))["iterations"]
    theirs = torch_reference(graph_scenario(5), 4)
    for k, (mine, ref) in enumerate(zip(ours, theirs)):
        assert mine["loss"] == pytest.approx(ref["loss"], rel=1e-12, abs=1e-15), k
        for name, value in ref.items():
            if name != "loss":
                np.testing.assert_allclose(np.array(mine["values"][name]), value, rtol=1e-10, atol=1e-13,
                                           err_msg=f"iteration {k + 1}: {name}")


# --- quiz and diagnosis -------------------------------------------------------------------
def test_a_gelu_delta_without_its_slope_is_diagnosed() -> None:
    stepper = Stepper(parse_scenario(HAND))
    stepper.run_iteration()
    grad_out = stepper.value("h.grad_out[1]")
    found = diagnose(stepper, "h.delta[1]", round(grad_out, 3), 3)
    assert found is not None and found.slip == "missing-activation-derivative"


def test_gelu_formulas_have_latex_symbols() -> None:
    from core.exports.latex import math as latex_math

    stepper = Stepper(parse_scenario(HAND))
    stepper.run_iteration()
    text = latex_math(explain(stepper, "h.delta[1]", 3).one_line())
    assert r"\Phi" in text and r"\varphi" in text and r"\operatorname{erf}(" in text and r"\pi" in text
    assert all(ord(ch) < 128 for ch in text), text
