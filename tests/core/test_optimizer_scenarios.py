"""The bundled optimizer scenarios, momentum-steps and adam-step: their hand values are right
(against torch, computed here independently of the engine), the slips their descriptions warn
of are diagnosed by name, and the state they are about is where the descriptions say."""

from __future__ import annotations

import numpy as np
import pytest

from core.engine.stepper import Stepper
from core.learner.checks import run_checks
from core.learner.diagnosis import diagnose
from core.scenario.catalog import bundled_titles, load


def _torch_values(name: str, iterations: int) -> list[dict[str, np.ndarray]]:
    """The scenario's dense network in torch (float64), one sample per iteration: after each
    update, the new parameters and the optimizer's buffers, named as the engine names them."""
    torch = pytest.importorskip("torch")
    sc = load(name)
    p = {f"{layer}.{pname}": torch.tensor(arr, dtype=torch.float64, requires_grad=True)
         for layer, own in sc.params.items() for pname, arr in own.items()}
    if sc.optimizer.type == "adam":
        opt = torch.optim.Adam(list(p.values()), lr=sc.learning_rate, betas=(0.9, 0.999), eps=1e-8, foreach=False)
    else:
        opt = torch.optim.SGD(list(p.values()), lr=sc.learning_rate, momentum=0.9, foreach=False)
    layers = [spec["name"] for spec in sc.layer_specs]
    out = []
    for k in range(iterations):
        a = torch.tensor(sc.samples.x[k % len(sc.samples.x)], dtype=torch.float64)
        for i, layer in enumerate(layers):
            z = p[f"{layer}.weight"] @ a + p[f"{layer}.bias"]
            a = torch.sigmoid(z) if i < len(layers) - 1 else z
        loss = -(torch.tensor(sc.samples.y[k % len(sc.samples.x)]) * torch.log_softmax(a, 0)).sum()
        opt.zero_grad()
        loss.backward()
        opt.step()
        values = {}
        for key, tensor in p.items():
            layer, pname = key.split(".")
            values[f"{layer}.new_{pname}"] = tensor.detach().numpy().copy()
            for kind, buffer in opt.state[tensor].items():
                if kind != "step":
                    values[f"{layer}.{kind}_{pname}"] = buffer.numpy().copy()
        out.append(values)
    return out


@pytest.mark.parametrize("name", ["adam-step", "momentum-steps"])
def test_the_hand_values_are_torchs_to_their_decimals(name: str) -> None:
    sc = load(name)
    theirs = _torch_values(name, 1)[0]
    assert sc.expected
    for key, expected in sc.expected.items():
        array, _, index = key.partition("[")
        exact = float(theirs[array][tuple(int(i) for i in index.rstrip("]").split(","))])
        assert abs(expected.value - exact) <= 10.0 ** -expected.decimals, key
    stepper = Stepper(sc)
    stepper.run_iteration()
    assert all(check.ok for check in run_checks(stepper, sc.expected))


@pytest.mark.parametrize("name", ["adam-step", "momentum-steps"])
def test_two_iterations_agree_with_torch(name: str) -> None:
    theirs = _torch_values(name, 2)
    stepper = Stepper(load(name))
    for k in range(2):
        if k:
            stepper.advance_to_next()
        stepper.run_iteration()
        names = [*stepper.network.state_names(), *(f"{layer.name}.new_{p}" for layer in stepper.network.layers
                                                   for p in ("weight", "bias"))]
        assert set(names) == set(theirs[k])
        for key in names:
            np.testing.assert_allclose(stepper.array(key), theirs[k][key], rtol=1e-12, atol=1e-15, err_msg=key)


def test_adam_step_slips_the_description_names_are_diagnosed() -> None:
    stepper = Stepper(load("adam-step"))
    stepper.run_iteration()
    assert diagnose(stepper, "out.new_weight[0,0]", 0.616, 3).slip == "no-bias-correction"
    assert diagnose(stepper, "out.exp_avg_weight[0,0]", -0.000307, 6).slip == "betas-swapped"
    assert diagnose(stepper, "out.new_weight[0,0]", 0.200, 3).slip == "sign"
    assert stepper.array("h.prev_exp_avg_weight").tolist() == [[0.0, 0.0], [0.0, 0.0]]  # m starts at 0
    # at t = 1 every parameter moves by almost exactly α against its gradient's sign
    for layer in ("h", "out"):
        moved = stepper.params[layer]["weight"] - stepper.array(f"{layer}.new_weight")
        np.testing.assert_allclose(np.abs(moved), 0.1, rtol=1e-6)
        assert (np.sign(moved) == np.sign(stepper.array(f"{layer}.grad_weight"))).all()


def test_momentum_steps_buffer_and_slips() -> None:
    stepper = Stepper(load("momentum-steps"))
    assert stepper.array("out.prev_momentum_buffer_weight") is None  # not started before the first update
    stepper.run_iteration()
    g1 = stepper.array("out.grad_weight")
    assert stepper.array("out.momentum_buffer_weight").tolist() == g1.tolist()  # v = g at the first update
    assert diagnose(stepper, "out.momentum_buffer_weight[0,0]", 0.219, 3).slip == "cs231n-momentum"
    assert diagnose(stepper, "out.new_weight[0,0]", -0.019, 3).slip == "sign"
    stepper.advance_to_next()
    stepper.run_iteration()
    v = stepper.value("out.momentum_buffer_weight[0,0]")
    assert round(v, 3) == -0.568 and round(stepper.value("out.new_weight[0,0]"), 3) == 0.703  # the description's
    assert round(stepper.value("out.grad_weight[0,0]"), 3) == -0.174
    assert v == 0.9 * g1[0, 0] + stepper.value("out.grad_weight[0,0]")


def test_both_are_listed_with_titles() -> None:
    titles = dict(bundled_titles())
    assert titles["adam-step"].startswith("adam-step — one Adam update")
    assert titles["momentum-steps"].startswith("momentum-steps — SGD with momentum 0.9")
    for name in ("adam-step", "momentum-steps"):
        assert "What to look at" in load(name).description
