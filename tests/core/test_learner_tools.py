"""Issue 5's engine side: mistake diagnosis, hand-rounding, exports and the gradient check."""

from __future__ import annotations

import importlib.util
import json
import math
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from fixtures.torch_scripts import run_script

from core.engine.stepper import Stepper
from core.errors import QuantityError, StepError
from core.exports.markdown import to_latex, to_markdown
from core.exports.pytorch import to_pytorch
from core.exports.report import solve, stream_text, to_json
from core.learner.checks import run_checks, tally
from core.learner.diagnosis import diagnose
from core.learner.gradcheck import gradient_check
from core.scenario.catalog import load, resolve
from core.scenario.load import parse_scenario

HAS_TORCH = importlib.util.find_spec("torch") is not None


def _done(name: str = "tiny-cnn") -> Stepper:
    stepper = Stepper(load(name))
    stepper.run_iteration()
    return stepper


def test_an_expected_value_whose_exact_value_overflowed_is_wrong_not_a_crash() -> None:
    """Batch norm's σ² of inputs near 1e200 overflows to ∞: the check of it is ✗ with its
    rule ("∞ rounds to ∞"), the tally counts it, and the text solve writes its checks."""
    text = (resolve("batchnorm-tiny").read_text(encoding="utf-8")
            .replace("{x: [3.0, 0.0], label: 1}", "{x: [3.0e200, 0.0], label: 1}"))
    scenario = parse_scenario(text, file="big.yaml")
    stepper = Stepper(scenario)
    with np.errstate(all="ignore"):
        stepper.run_iteration()
        checks = {c.name: c for c in run_checks(stepper, scenario.expected)}
        assert checks["bn.var[0]"].actual == math.inf
        assert (checks["bn.var[0]"].mark, checks["bn.var[0]"].rule) == ("✗", "∞ rounds to ∞, not 2.500")
        assert tally(list(checks.values())) == "1 of 7 right"
        written = "".join(stream_text(scenario, 1))
    assert "✗ bn.var[0]: expected 2.500 (∞ rounds to ∞, not 2.500), exact ∞" in written


# --- diagnosis -------------------------------------------------------------------------------

NOTES_SLIPS = {
    "fc.delta[0]": "updated-weights",
    "fc.delta[1]": "updated-weights",
    "fc.new_weight[0,0]": "updated-weights",
    "fc.new_weight[0,1]": "updated-weights",
    "fc.new_weight[1,0]": "updated-weights",
    "fc.new_weight[1,1]": "updated-weights",
    "fc.new_bias[0]": "updated-weights",
    "fc.new_bias[1]": "updated-weights",
    "pool.grad_out[0,0]": "updated-weights",
    "out.new_weight[1,1]": "transposed-index",
    "conv.new_bias[1]": "sign",
}


def test_the_notes_slips_are_named() -> None:
    stepper = _done()
    checks = {c.name: c for c in run_checks(stepper, stepper.scenario.expected)}
    for name, slip in NOTES_SLIPS.items():
        assert not checks[name].ok, name
        assert checks[name].diagnosis is not None, name
        assert checks[name].diagnosis.slip == slip, name
    assert checks["fc.delta[0]"].diagnosis.explanation.startswith("−0.026 is what the backward pass gives")


def test_solve_json_carries_the_diagnosis_of_failed_checks_only() -> None:
    scenario = load("tiny-cnn")
    doc = json.loads(to_json(scenario, solve(scenario)))
    checks = {c["name"]: c for c in doc["iterations"][0]["checks"]}
    assert checks["fc.delta[0]"]["diagnosis"] == "updated-weights"
    assert checks["conv.new_bias[1]"]["diagnosis"] == "sign"
    assert "diagnosis" not in checks["out.out[0]"]
    assert checks["conv.delta[1,0]"]["ok"] is False and checks["conv.delta[1,0]"]["diagnosis"] is None


def test_a_right_value_has_no_diagnosis() -> None:
    assert diagnose(_done(), "out.out[0]", 0.706, 3) is None


def test_missing_activation_derivative() -> None:
    stepper = _done()
    grad_out = stepper.value("fc.grad_out[0]")  # −0.0588: δ without the factor a·(1 − a)
    assert diagnose(stepper, "fc.delta[0]", round(grad_out, 4), 4).slip == "missing-activation-derivative"


def test_learning_rate_slip() -> None:
    stepper = _done()
    with_rate_one = 0.1 - 1.0 * stepper.value("out.grad_weight[0,0]")  # α forgotten: 0.279
    diagnosis = diagnose(stepper, "out.new_weight[0,0]", round(with_rate_one, 3), 3)
    assert diagnosis.slip == "learning-rate"
    assert "learning rate of 1.0 instead of α = 0.5" in diagnosis.explanation


def test_pool_route_slip() -> None:
    stepper = _done()
    # conv.out[0,0] lost the max-pool window to conv.out[0,1]: its gradient is 0, but a learner
    # who routes the window's gradient to it gets pool.grad_out[0,0] = 0.0014
    routed = stepper.value("pool.grad_out[0,0]")
    assert diagnose(stepper, "conv.grad_out[0,0]", round(routed, 4), 4).slip == "pool-route"


# --- hand-rounding ---------------------------------------------------------------------------

def test_hand_rounding_follows_a_calculation_by_hand() -> None:
    stepper = Stepper(load("tiny-cnn"))
    stepper.set_hand_rounding(3)
    stepper.run_iteration()
    # By hand, rounding every value to 3 decimals (3 significant digits below 0.0005):
    # δ_out = 0.706 − 1 = −0.294 and 0.294
    assert stepper.array("out.delta").tolist() == [-0.294, 0.294]
    # ∂C/∂a_fc[0] = −0.294·0.1 + 0.294·(−0.1) = −0.0588 → −0.059
    assert stepper.value("fc.grad_out[0]") == -0.059
    # δ_fc[0] = −0.059·0.608·(1 − 0.608) = −0.01406… → −0.014
    assert stepper.value("fc.delta[0]") == -0.014
    # ∂C/∂a_fc[1] = −0.294·0.2 + 0.294·(−0.2) = −0.1176 → −0.118; δ_fc[1] = −0.118·0.392·0.608 → −0.028
    assert stepper.value("fc.delta[1]") == -0.028
    # ∂C/∂a_pool[0,0] = −0.014·0.1 + (−0.028)·(−0.1) = 0.0014 → 0.001
    assert stepper.value("pool.grad_out[0,0]") == 0.001
    # δ_conv[0,1] = 0.001·0.629·(1 − 0.629) = 0.000233359 → 0.000233
    assert stepper.value("conv.delta[0,1]") == 0.000233
    exact = _done()
    assert exact.value("conv.delta[0,1]") == pytest.approx(0.000326255, abs=1e-9)  # not what rounding gives


def test_hand_rounding_is_off_by_default_undoable_and_marked_in_exports() -> None:
    stepper = Stepper(load("tiny-cnn"))
    assert stepper.hand_rounding is None
    stepper.forward_all()
    stepper.set_hand_rounding(3)
    assert stepper.phase().describe() == "forward 1/4: conv"  # every computed value changes
    stepper.run_iteration()
    assert "HAND-ROUNDING" in to_markdown(stepper)
    assert "HAND-ROUNDING" in to_latex(stepper)
    assert "HAND-ROUNDING" not in to_markdown(_done())
    stepper.undo()
    stepper.undo()
    assert stepper.hand_rounding is None


# --- exports ---------------------------------------------------------------------------------

def test_markdown_export_has_every_section_and_the_checks() -> None:
    text = to_markdown(_done())
    for heading in ("## Given", "## Forward pass", "## Backward pass", "## Update",
                    "## Checks: 22 of 38 right, 3 close (one unit of the last decimal off)"):
        assert heading in text
    assert "`w′_out[0,0] = w_out[0,0] − α·δ_out[0]·a_fc[0] = 0.1 − 0.5·(−0.294)·0.608 = 0.189`" in text
    assert "✗ fc.delta[0]: expected −0.026" in text


def test_export_needs_a_complete_iteration() -> None:
    stepper = Stepper(load("tiny-cnn"))
    stepper.forward_all()
    with pytest.raises(StepError, match="complete iteration"):
        to_markdown(stepper)


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed (.ci/run installs it)")
def test_latex_export_compiles(tmp_path: Path) -> None:
    for name in ("tiny-cnn", "x-vs-o-padded", "batchnorm-tiny", "dropout-tiny"):
        tex = tmp_path / f"{name}.tex"
        tex.write_text(to_latex(_done(name)), encoding="utf-8")
        result = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", tex.name],
                                cwd=tmp_path, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stdout[-2000:]
        assert (tmp_path / f"{name}.pdf").stat().st_size > 1000


BATCHED = """
format: 1
name: batched frozen
input: [1, 6]
samples:
  - {x: [[0.1, 0.5, -0.3, 0.8, 0.2, -0.6]], label: 0}
  - {x: [[0.4, -0.2, 0.9, 0.1, -0.5, 0.3]], label: 1}
  - {x: [[-0.7, 0.3, 0.2, -0.1, 0.6, 0.4]], label: 2}
layers:
  - {name: c, type: conv1d, filters: 2, kernel: 2, stride: 2, padding: 1, activation: tanh, frozen: [bias]}
  - {name: p, type: avgpool1d, size: 2}
  - {name: f, type: flatten}
  - {name: d, type: dense, units: 3, activation: softmax}
loss: cross_entropy
learning_rate: 0.3
batch_size: 2
seed: 5
"""


@pytest.mark.skipif(not HAS_TORCH, reason="torch is not installed (pip install torch==2.13.0)")
@pytest.mark.parametrize("source", ["tiny-cnn", "x-vs-o-padded", "two-layer-sigmoid", "batched", "residual-block"])
def test_pytorch_export_prints_the_same_values(tmp_path: Path, source: str) -> None:
    scenario = parse_scenario(BATCHED) if source == "batched" else load(source)
    stepper = Stepper(scenario)
    stepper.run_iteration()
    script = tmp_path / "iteration.py"
    script.write_text(to_pytorch(stepper), encoding="utf-8")
    result = run_script(script)
    assert result.returncode == 0, result.stderr
    theirs = json.loads(result.stdout)["iterations"][0]
    ours = json.loads(to_json(scenario, solve(scenario)))["iterations"][0]
    assert theirs["samples"] == ours["samples"]
    assert theirs["loss"] == pytest.approx(ours["loss"], abs=1e-9)
    assert set(theirs["values"]) == set(ours["values"])
    for name, value in ours["values"].items():
        np.testing.assert_allclose(np.array(theirs["values"][name]), np.array(value), rtol=0, atol=1e-9,
                                   err_msg=name)


# --- gradient check --------------------------------------------------------------------------

def test_gradient_check_agrees_for_every_parameter() -> None:
    stepper = Stepper(load("tiny-cnn"))
    stepper.forward_all()
    stepper.backward_all()
    for layer in ("conv", "fc", "out"):
        for kind in ("weight", "bias"):
            for index in np.ndindex(stepper.params[layer][kind].shape):
                name = f"{layer}.{kind}[{','.join(map(str, index))}]"
                check = gradient_check(stepper, name)
                assert check.agrees, (name, check)
                assert check.analytic == stepper.value(f"{layer}.grad_{kind}[{','.join(map(str, index))}]")


def test_gradient_check_needs_a_parameter_and_its_gradient() -> None:
    stepper = Stepper(load("tiny-cnn"))
    with pytest.raises(QuantityError):
        gradient_check(stepper, "fc.out[0]")
    with pytest.raises(QuantityError, match="not computed"):
        gradient_check(stepper, "fc.weight[0,0]")


# --- the export command ----------------------------------------------------------------------

def test_export_command_writes_files_and_standard_output(cli, tmp_path: Path) -> None:
    out = tmp_path / "it.md"
    result = cli("export", "tiny-cnn", "--to", "markdown", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert out.read_text(encoding="utf-8").startswith("# tiny-cnn")
    result = cli("export", "tiny-cnn", "--to", "latex")
    assert result.returncode == 0 and result.stdout.startswith("\\documentclass")
    result = cli("export", "tiny-cnn", "--to", "markdown", "--hand-rounding")
    assert "HAND-ROUNDING" in result.stdout
    result = cli("export", "tiny-cnn", "--to", "latex", "-o", str(tmp_path / "missing" / "x.tex"))
    assert result.returncode == 1 and "does not exist" in result.stderr and "Traceback" not in result.stderr


def test_a_slip_is_explained_with_the_losss_own_symbol() -> None:
    """Cross-entropy's derivations write ∂C/∂a: the slip beside them says ∂C/∂a too."""
    from core.engine.stepper import Stepper
    from core.learner.diagnosis import diagnose
    from core.scenario.catalog import load

    stepper = Stepper(load("tiny-cnn"))
    stepper.run_iteration()
    given = stepper.value("fc.grad_out[0]")  # δ written without the factor f′(z)
    found = diagnose(stepper, "fc.delta[0]", given, 4)
    assert found is not None and found.slip == "missing-activation-derivative"
    assert "is ∂C/∂a without the factor f′(z)" in found.explanation and "∂E" not in found.explanation
