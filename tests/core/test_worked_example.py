"""Issue 2, check 1: the notes' worked example (bundled ``tiny-cnn``) to 1e-6."""

from __future__ import annotations

import json

import numpy as np
import pytest
from fixtures import worked_example as W
from fixtures.cli_run import run_cli

from core.engine.stepper import Stepper
from core.learner.checks import run_checks
from core.scenario.catalog import load


@pytest.fixture(scope="module")
def done() -> Stepper:
    stepper = Stepper(load("tiny-cnn"))
    stepper.forward_all()
    stepper.backward_all()
    stepper.update()
    return stepper


@pytest.fixture(scope="module")
def solved() -> dict:
    result = run_cli("solve", "tiny-cnn", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return json.loads(result.stdout)


def test_bundled_parameters_are_the_notes(done: Stepper) -> None:
    for layer, params in W.PARAMS.items():
        for kind, value in params.items():
            np.testing.assert_array_equal(done.array(f"{layer}.{kind}"), value)
    np.testing.assert_array_equal(done.array("input"), W.INPUT)
    np.testing.assert_array_equal(done.array("target"), W.TARGET)


@pytest.mark.parametrize("name", sorted(W.VALUES))
def test_stepper_array(done: Stepper, name: str) -> None:
    arr = done.array(name)
    assert arr is not None
    assert arr.shape == np.shape(W.VALUES[name])
    np.testing.assert_allclose(arr, W.VALUES[name], rtol=0, atol=1e-6)


def test_stepper_loss(done: Stepper) -> None:
    assert done.value("loss") == pytest.approx(W.LOSS, abs=1e-12)


def test_stepper_single_values(done: Stepper) -> None:
    for name, values in W.VALUES.items():
        arr = np.asarray(values)
        for idx in np.ndindex(arr.shape):
            text = f"{name}[{','.join(map(str, idx))}]"
            assert done.value(text) == pytest.approx(arr[idx], abs=1e-6), text


def test_cross_entropy_output_gradients(done: Stepper) -> None:
    a = done.array("out.out")
    y = np.array(W.TARGET)
    np.testing.assert_allclose(done.array("out.grad_out"), -y / a, rtol=1e-12)
    np.testing.assert_allclose(done.array("out.delta"), a - y, rtol=1e-12)


def test_max_pool_routes_to_the_first_maximum(done: Stepper) -> None:
    grad = done.array("conv.grad_out")
    pool_grad = done.array("pool.grad_out")
    # filter 0's maximum is at position 1, filter 1's at position 0
    np.testing.assert_array_equal(grad[:, [0, 1]][0], [0.0, pool_grad[0, 0]])
    np.testing.assert_array_equal(grad[1], [pool_grad[1, 0], 0.0])


def test_expected_checks(done: Stepper) -> None:
    checks = run_checks(done, done.scenario.expected)
    assert len(checks) == W.CHECK_COUNT
    by_name = {c.name: c for c in checks}
    for name, check in by_name.items():
        exact_ok = abs(check.actual - check.expected.value) <= 10.0 ** -check.expected.decimals * (1 + 1e-9)
        assert check.ok == exact_ok, name
        assert check.ok == (name not in W.WRONG_CHECKS), name
    assert by_name["fc.delta[0]"].expected.value == -0.026
    assert by_name["pool.grad_out[0,0]"].expected.decimals == 4


# --- the same through ``cnn-tui solve --format json`` ---------------------------------

def test_json_header(solved: dict) -> None:
    assert solved["format"] == 1
    assert isinstance(solved["name"], str) and solved["name"]
    assert len(solved["iterations"]) == 1
    it = solved["iterations"][0]
    assert it["iteration"] == 1
    assert it["samples"] == [0]
    assert it["loss"] == pytest.approx(W.LOSS, abs=1e-12)


def test_json_has_every_quantity(solved: dict) -> None:
    values = solved["iterations"][0]["values"]
    missing = set(W.QUANTITY_NAMES) - set(values)
    assert not missing
    assert not any(k.startswith("pool.") and k.split(".")[1] not in ("out", "grad_out") for k in values)
    assert isinstance(values["loss"], float)
    assert values["loss"] == solved["iterations"][0]["loss"]
    assert values["input"] == W.INPUT
    assert values["target"] == W.TARGET


@pytest.mark.parametrize("name", sorted(W.VALUES))
def test_json_values(solved: dict, done: Stepper, name: str) -> None:
    got = solved["iterations"][0]["values"][name]
    np.testing.assert_allclose(got, W.VALUES[name], rtol=0, atol=1e-6)
    # full float64 precision: the JSON numbers are the engine's floats exactly
    np.testing.assert_array_equal(np.array(got, dtype=np.float64), done.array(name))


def test_json_parameters_and_gradients_exact(solved: dict, done: Stepper) -> None:
    values = solved["iterations"][0]["values"]
    for name in W.QUANTITY_NAMES:
        if name == "loss":
            assert values[name] == done.value("loss")
            continue
        np.testing.assert_array_equal(np.array(values[name], dtype=np.float64), done.array(name), err_msg=name)


def test_json_checks(solved: dict) -> None:
    checks = solved["iterations"][0]["checks"]
    assert len(checks) == W.CHECK_COUNT
    by_name = {c["name"]: c for c in checks}
    assert len(by_name) == W.CHECK_COUNT
    assert {n for n, c in by_name.items() if not c["ok"]} == W.WRONG_CHECKS
    assert W.SOME_RIGHT_CHECKS <= {n for n, c in by_name.items() if c["ok"]}
    fc = by_name["fc.delta[0]"]
    assert fc["expected"] == -0.026 and fc["ok"] is False
    assert fc["actual"] == pytest.approx(-0.0139883, abs=1e-6)
    assert by_name["out.new_weight[1,1]"]["ok"] is False
    assert by_name["conv.new_bias[1]"]["ok"] is False
    assert by_name["out.out[0]"]["ok"] is True
    assert by_name["out.out[0]"]["expected"] == 0.706
