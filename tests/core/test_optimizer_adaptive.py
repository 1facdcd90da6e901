"""Adam, AdamW and RMSprop (core/nn/optim): torch.optim agreement (the rule alone, and a small
network stepped and trained, from a given state and from ``step`` > 0), one-element updates
worked by hand, the derivations' sub-steps, the slips diagnosed, the export with a partial state.

The machinery they share with SGD (undo, save/load, solve JSON, the export over iterations) is
tested in test_optimizers.py, parametrized over these optimizers too (its ``ADAPTIVE`` list).
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pytest
from fixtures.formula_eval import evaluate
from fixtures.torch_scripts import run_script

from core.engine.stepper import Stepper
from core.engine.training import Trainer
from core.explain.explainer import explain
from core.exports.pytorch import to_pytorch
from core.learner.diagnosis import diagnose
from core.nn.optim import OPTIMIZERS, Hyper, parse_optimizer
from core.scenario.load import parse_scenario

NETWORK = """\
format: 1
name: adaptive optimizers
input: [3]
samples:
  - {x: [0.5, -0.2, 0.1], label: 0}
  - {x: [-0.3, 0.8, 0.4], label: 1}
  - {x: [0.9, 0.3, -0.6], label: 0}
layers:
  - {name: h, type: dense, units: 2, activation: tanh,
     weight: [[0.1, -0.2, 0.3], [0.4, 0.1, -0.3]], bias: [0.05, -0.1]STATE}
  - {name: out, type: dense, units: 2, activation: softmax,
     weight: [[0.2, -0.1], [-0.3, 0.25]], bias: [0.0, 0.1], frozen: [bias]}
loss: cross_entropy
learning_rate: 0.1
"""

# (optimizer mapping, torch class, torch keyword arguments)
SETTINGS = [
    ({"type": "adam"}, "Adam", {}),
    ({"type": "adam", "betas": [0.8, 0.95], "eps": 1e-3, "weight_decay": 0.1}, "Adam",
     {"betas": (0.8, 0.95), "eps": 1e-3, "weight_decay": 0.1}),
    ({"type": "adamw"}, "AdamW", {}),
    ({"type": "adamw", "weight_decay": 0.3, "betas": [0.5, 0.9]}, "AdamW", {"weight_decay": 0.3, "betas": (0.5, 0.9)}),
    ({"type": "rmsprop"}, "RMSprop", {}),
    ({"type": "rmsprop", "momentum": 0.9}, "RMSprop", {"momentum": 0.9}),
    ({"type": "rmsprop", "momentum": 0.5, "weight_decay": 0.05, "alpha": 0.9, "eps": 1e-4}, "RMSprop",
     {"momentum": 0.5, "weight_decay": 0.05, "alpha": 0.9, "eps": 1e-4}),
]
IDS = [",".join(f"{k}={v}" for k, v in raw.items()) for raw, _, _ in SETTINGS]


def _options(raw: Mapping[str, object]) -> Mapping[str, object]:
    config, _ = parse_optimizer(dict(raw))
    return config.options


def _torch_optimizer(cls: str, params: list, lr: float, kwargs: dict):
    torch = pytest.importorskip("torch")
    return getattr(torch.optim, cls)(params, lr=lr, foreach=False, **kwargs)


# --- the rule alone against torch.optim ----------------------------------------------------------

@pytest.mark.parametrize(("raw", "cls", "kwargs"), SETTINGS, ids=IDS)
@pytest.mark.parametrize("resumed", [False, True], ids=["fresh", "from-step-3-with-state"])
def test_the_update_agrees_with_torch_over_several_steps(raw: dict, cls: str, kwargs: dict, resumed: bool) -> None:
    torch = pytest.importorskip("torch")
    rule, options = OPTIMIZERS[raw["type"]], _options(raw)
    rng = np.random.default_rng(11)
    param = rng.normal(size=(3, 4))
    theirs = torch.tensor(param, dtype=torch.float64, requires_grad=True)
    opt = _torch_optimizer(cls, [theirs], 0.05, kwargs)
    kinds = rule.kept_kinds(options)
    state: dict[str, np.ndarray] = {}
    start = 0
    if resumed:  # a state the file gives, and three updates already taken
        start = 3
        state = {kind: np.abs(rng.normal(size=(3, 4))) * 0.1 for kind in kinds}
        opt.state[theirs].update({kind: torch.tensor(arr) for kind, arr in state.items()},
                                 step=torch.tensor(float(start)))
    for t in range(start + 1, start + 6):
        grad = rng.normal(size=(3, 4))
        before = (param.copy(), grad.copy())
        param, state = rule.update(param, grad, state, Hyper(0.05, t, options))
        assert np.array_equal(before[1], grad)  # pure
        theirs.grad = torch.tensor(grad, dtype=torch.float64)
        opt.step()
        np.testing.assert_allclose(param, theirs.detach().numpy(), rtol=1e-13, atol=1e-15)
        assert set(state) == set(kinds)
        for kind in kinds:
            np.testing.assert_allclose(state[kind], opt.state[theirs][kind].numpy(), rtol=1e-13, atol=1e-17,
                                       err_msg=f"{kind} at update {t}")
        assert float(opt.state[theirs]["step"]) == t


# --- one element, worked by hand ------------------------------------------------------------------

def _one(name: str, w: float, g: float, lr: float, t: int, state: dict[str, float] | None = None,
         **settings: object) -> tuple[float, dict[str, float]]:
    options = _options({"type": name, **settings})
    new, after = OPTIMIZERS[name].update(np.array([w]), np.array([g]),
                                         {k: np.array([v]) for k, v in (state or {}).items()},
                                         Hyper(lr, t, options))
    return float(new[0]), {k: float(v[0]) for k, v in after.items()}


def test_adam_first_update_by_hand() -> None:
    # m = 0.9·0 + 0.1·0.2 = 0.02; v = 0.999·0 + 0.001·0.2² = 0.00004
    # m̂ = 0.02 / (1 − 0.9) = 0.2; v̂ = 0.00004 / (1 − 0.999) = 0.04; √v̂ = 0.2
    # w′ = 0.5 − 0.1·0.2 / (0.2 + 1e−8) = 0.5 − 0.099999995 = 0.400000005
    new, state = _one("adam", 0.5, 0.2, 0.1, 1)
    assert math.isclose(state["exp_avg"], 0.02, rel_tol=1e-14)
    assert math.isclose(state["exp_avg_sq"], 0.00004, rel_tol=1e-12)
    assert math.isclose(new, 0.400000005, rel_tol=0, abs_tol=1e-15)


def test_adam_second_update_resumes_the_bias_correction_by_hand() -> None:
    # t = 2 from m = 0.02, v = 0.00004 and g = −0.1:
    # m = 0.9·0.02 + 0.1·(−0.1) = 0.008; v = 0.999·0.00004 + 0.001·0.01 = 0.00004996
    # m̂ = 0.008 / (1 − 0.81) = 0.008 / 0.19; v̂ = 0.00004996 / (1 − 0.998001) = 0.00004996 / 0.001999
    new, state = _one("adam", 0.4, -0.1, 0.1, 2, {"exp_avg": 0.02, "exp_avg_sq": 0.00004})
    assert math.isclose(state["exp_avg"], 0.008, rel_tol=1e-12)
    assert math.isclose(state["exp_avg_sq"], 0.00004996, rel_tol=1e-12)
    expected = 0.4 - 0.1 * (0.008 / 0.19) / (math.sqrt(0.00004996 / 0.001999) + 1e-8)
    assert math.isclose(new, expected, rel_tol=1e-13)
    assert math.isclose(new, 0.3733663, abs_tol=1e-7)  # 0.4 − 0.1·0.0421053 / 0.158090 = 0.4 − 0.0266337


def test_adam_weight_decay_joins_the_gradient_by_hand() -> None:
    # g = 0.2 + 0.1·0.5 = 0.25; m̂ = 0.25, √v̂ = 0.25; w′ = 0.5 − 0.1·0.25 / (0.25 + 1e−8) = 0.400000004
    new, state = _one("adam", 0.5, 0.2, 0.1, 1, weight_decay=0.1)
    assert math.isclose(state["exp_avg"], 0.025, rel_tol=1e-14)
    assert math.isclose(new, 0.400000004, abs_tol=1e-15)


def test_adamw_decay_is_decoupled_by_hand() -> None:
    # w·(1 − α·λ) = 0.5·(1 − 0.1·0.01) = 0.4995; the step from the plain gradient: 0.1·0.2 / (0.2 + 1e−8)
    new, state = _one("adamw", 0.5, 0.2, 0.1, 1)
    assert math.isclose(state["exp_avg"], 0.02, rel_tol=1e-14)  # m sees the plain gradient
    assert math.isclose(new, 0.4995 - 0.099999995, abs_tol=1e-15)


def test_rmsprop_by_hand_with_and_without_momentum() -> None:
    # v = 0.99·0 + 0.01·0.2² = 0.0004; √v = 0.02; w′ = 0.5 − 0.01·0.2 / (0.02 + 1e−8) = 0.40000005
    new, state = _one("rmsprop", 0.5, 0.2, 0.01, 1)
    assert math.isclose(state["square_avg"], 0.0004, rel_tol=1e-14) and set(state) == {"square_avg"}
    assert math.isclose(new, 0.40000005, abs_tol=1e-14)
    # momentum 0.9 from buf = 2: buf = 0.9·2 + 0.2 / (0.02 + 1e−8) = 1.8 + 9.999995 = 11.799995
    new, state = _one("rmsprop", 0.5, 0.2, 0.01, 4, {"momentum_buffer": 2.0}, momentum=0.9)
    assert math.isclose(state["momentum_buffer"], 11.799995, abs_tol=1e-12)
    assert math.isclose(new, 0.5 - 0.11799995, abs_tol=1e-14)
    # weight decay: g = 0.2 + 0.5·0.5 = 0.45; v = 0.01·0.2025; √v = 0.045
    new, state = _one("rmsprop", 0.5, 0.2, 0.01, 1, weight_decay=0.5, eps=0.0)
    assert math.isclose(state["square_avg"], 0.002025, rel_tol=1e-14)
    assert math.isclose(new, 0.5 - 0.01 * 0.45 / 0.045, abs_tol=1e-15) and math.isclose(new, 0.4, abs_tol=1e-15)


# --- a small network, stepped and trained, against torch ---------------------------------------------

def _network(raw: dict, state: str = "", step: int = 0):
    optimizer = dict(raw, step=step) if step else dict(raw)
    text = NETWORK.replace("STATE", state) + f"optimizer: {json.dumps(optimizer)}\n"
    return parse_scenario(text, file="adaptive.yaml")


def _torch_run(sc, cls: str, kwargs: dict, iterations: int) -> list[dict[str, np.ndarray]]:
    """The scenario's network in torch, trained sample by sample: parameters and state after each update."""
    torch = pytest.importorskip("torch")
    p = {f"{layer}.{name}": torch.tensor(arr, dtype=torch.float64, requires_grad=True)
         for layer, own in sc.params.items() for name, arr in own.items()}
    trainable = [key for key in p if key != "out.bias"]
    opt = _torch_optimizer(cls, [p[k] for k in trainable], sc.learning_rate, kwargs)
    kinds = OPTIMIZERS[sc.optimizer.type].kept_kinds(sc.optimizer.options)
    for key in trainable:  # torch's start, then what the file gives
        layer, name = key.split(".")
        state = opt.state[p[key]]
        state["step"] = torch.tensor(float(sc.optimizer_state.step))
        for kind in kinds:
            given = sc.optimizer_state.buffers.get(f"{layer}.{kind}_{name}")
            state[kind] = torch.zeros_like(p[key]) if given is None else torch.tensor(given)
    out = []
    for k in range(iterations):
        x = torch.tensor(sc.samples.x[k % len(sc.samples.x)], dtype=torch.float64)
        y = torch.tensor(sc.samples.y[k % len(sc.samples.x)], dtype=torch.float64)
        hidden = torch.tanh(p["h.weight"] @ x + p["h.bias"])
        logits = p["out.weight"] @ hidden + p["out.bias"]
        loss = -(y * torch.log_softmax(logits, 0)).sum()
        opt.zero_grad()
        loss.backward()
        opt.step()
        values = {f"{key.split('.')[0]}.new_{key.split('.')[1]}": p[key].detach().numpy().copy() for key in p}
        for key in trainable:
            layer, name = key.split(".")
            values.update({f"{layer}.{kind}_{name}": opt.state[p[key]][kind].numpy().copy() for kind in kinds})
        out.append(values)
    return out


@pytest.mark.parametrize(("raw", "cls", "kwargs"), SETTINGS, ids=IDS)
@pytest.mark.parametrize("start", ["fresh", "given-state-at-step-4"])
def test_stepper_and_training_agree_with_torch_on_a_network(raw: dict, cls: str, kwargs: dict, start: str) -> None:
    if start == "fresh":
        sc = _network(raw)
    else:  # one layer's state given, the rest starting as torch starts it
        kind = OPTIMIZERS[raw["type"]].kept_kinds(_options(raw))[-1]
        sc = _network(raw, f", {kind}_weight: [[0.01, 0.02, 0.03], [0.04, 0.05, 0.06]]", step=4)
    theirs = _torch_run(sc, cls, kwargs, 3)
    stepper, trainer = Stepper(sc), Trainer(sc)
    for k in range(3):
        if k:
            stepper.advance_to_next()
        stepper.run_iteration()
        trainer.step()
        for name, expected in theirs[k].items():
            np.testing.assert_allclose(stepper.array(name), expected, rtol=1e-12, atol=1e-15,
                                       err_msg=f"stepper, iteration {k + 1}: {name}")
        for key, arr in trainer.optimizer_state.buffers.items():
            np.testing.assert_allclose(arr, theirs[k][key], rtol=1e-12, atol=1e-15,
                                       err_msg=f"training, iteration {k + 1}: {key}")
        for layer, own in trainer.params.items():
            for pname, arr in own.items():
                np.testing.assert_allclose(arr, theirs[k][f"{layer}.new_{pname}"], rtol=1e-12, atol=1e-15)
    assert trainer.optimizer_state.step == stepper.current_scenario().optimizer_state.step == \
        sc.optimizer_state.step + 3


def test_the_export_starts_buffers_the_file_leaves_out(tmp_path: Path) -> None:
    """torch's Adam needs every buffer once ``step`` is set: the script starts the missing ones at 0."""
    pytest.importorskip("torch")
    sc = _network({"type": "adam", "weight_decay": 0.1}, ", exp_avg_sq_weight: [[0.01, 0.02, 0.03], "
                                                         "[0.04, 0.05, 0.06]]", step=2)
    stepper = Stepper(sc)
    stepper.run_iteration()
    script = tmp_path / "adam.py"
    script.write_text(to_pytorch(stepper), encoding="utf-8")
    result = run_script(script)
    assert result.returncode == 0, result.stderr
    theirs = json.loads(result.stdout)["iterations"][0]["values"]
    for name in ["h.new_weight", "h.new_bias", "out.new_weight", *stepper.network.state_names()]:
        np.testing.assert_allclose(np.array(theirs[name]), stepper.array(name), rtol=1e-12, atol=1e-15, err_msg=name)


# --- derivations ----------------------------------------------------------------------------------------

def test_adam_derivation_shows_g_m_v_and_the_bias_corrections_with_numbers() -> None:
    stepper = Stepper(_network({"type": "adam", "weight_decay": 0.1}))
    stepper.run_iteration()
    d = explain(stepper, "out.new_weight[0,1]")
    g = stepper.value("out.grad_weight[0,1]") + 0.1 * stepper.value("out.weight[0,1]")
    assert d.formula == "w_out[0,1] − α·m̂ / (√v̂ + ε)"
    symbols = [note.split(" = ")[0] for note in d.notes[:-1]]
    assert symbols == ["g", "m′(w_out[0,1])", "v′(w_out[0,1])", "m̂", "v̂"]
    assert d.notes[0].startswith("g = δ_out[0]·a_h[1] + λ·w_out[0,1] = ")
    assert d.notes[1].startswith("m′(w_out[0,1]) = β₁·m(w_out[0,1]) + (1 − β₁)·g = 0.9·0 + 0.1·")
    assert "m starts at 0, as in torch" in d.notes[1]
    assert d.notes[3].startswith("m̂ = m′(w_out[0,1]) / (1 − β₁ᵗ) = ") and "/ (1 − 0.9¹) = " in d.notes[3]
    assert "/ (1 − 0.999¹) = " in d.notes[4]
    exact = explain(stepper, "out.new_weight[0,1]", decimals=None)
    assert math.isclose(evaluate(exact.substituted), exact.value, rel_tol=1e-9)
    assert math.isclose(evaluate(exact.notes[0].split(" = ")[2]), g, rel_tol=1e-12)
    m = explain(stepper, "out.exp_avg_weight[0,1]")  # a state quantity: its own step, g before it
    assert m.symbol == "m′(w_out[0,1])" and m.notes[0].startswith("g = ")
    assert m.title == "first moment m (running mean of the gradients) of weight after the update, of out"
    stepper.advance_to_next()
    stepper.run_iteration()
    second = explain(stepper, "out.new_weight[0,1]")
    assert "/ (1 − 0.9²) = " in second.notes[3] and "m starts at 0" not in second.notes[1]


def test_resumed_adam_counts_its_updates_in_the_bias_correction() -> None:
    stepper = Stepper(_network({"type": "adam"}, step=9))
    stepper.run_iteration()
    notes = explain(stepper, "h.new_bias[0]").notes
    assert "/ (1 − 0.9¹⁰) = " in notes[3] and "update t = 10" in notes[3]


def test_adamw_and_rmsprop_derivations_read_as_a_course_writes_them() -> None:
    stepper = Stepper(_network({"type": "adamw", "weight_decay": 0.2}))
    stepper.run_iteration()
    d = explain(stepper, "h.new_weight[1,0]")
    assert d.formula == "w_h[1,0]·(1 − α·λ) − α·m̂ / (√v̂ + ε)"
    assert d.substituted.startswith("0.4·(1 − 0.1·0.2) − 0.1·")
    assert "decoupled" in d.notes[-1] and d.notes[0].startswith("g = δ_h[1]·x[0] = ")
    rms = Stepper(_network({"type": "rmsprop", "momentum": 0.9}))
    rms.run_iteration()
    d = explain(rms, "h.new_weight[1,0]")
    assert d.formula == "w_h[1,0] − α·buf′(w_h[1,0])"
    assert d.notes[1].startswith("v′(w_h[1,0]) = ρ·v(w_h[1,0]) + (1 − ρ)·g² = 0.99·0 + 0.01·")
    assert d.notes[2].startswith("buf′(w_h[1,0]) = μ·buf(w_h[1,0]) + g / (√v′(w_h[1,0]) + ε) = 0.9·0 + ")


# --- slips ------------------------------------------------------------------------------------------------

def _stepped(raw: dict, iterations: int = 1, state: str = "") -> Stepper:
    stepper = Stepper(_network(raw, state))
    for k in range(iterations):
        if k:
            stepper.advance_to_next()
        stepper.run_iteration()
    return stepper


def _slip(stepper: Stepper, name: str, value: float) -> str | None:
    found = diagnose(stepper, name, round(value, 6), 6)
    return None if found is None else found.slip


def _entry(stepper: Stepper, layer: str, param: str, index: str, *kinds: str) -> dict[str, float]:
    values = {"w": stepper.value(f"{layer}.{param}{index}"), "grad": stepper.value(f"{layer}.grad_{param}{index}")}
    for kind in kinds:
        values[kind] = stepper.value(f"{layer}.{kind}_{param}{index}")
        before = stepper.optimizer_state.buffers.get(f"{layer}.{kind}_{param}")
        values[f"{kind}0"] = 0.0 if before is None else float(before[tuple(int(i) for i in index[1:-1].split(","))])
    return values


def test_adam_without_bias_correction_is_diagnosed() -> None:
    stepper = _stepped({"type": "adam"})
    e = _entry(stepper, "h", "weight", "[0,0]", "exp_avg", "exp_avg_sq")
    slipped = e["w"] - 0.1 * e["exp_avg"] / (math.sqrt(e["exp_avg_sq"]) + 1e-8)
    assert _slip(stepper, "h.new_weight[0,0]", slipped) == "no-bias-correction"


def test_adam_betas_swapped_is_diagnosed_in_m_and_in_the_weight() -> None:
    stepper = _stepped({"type": "adam"}, iterations=2)
    e = _entry(stepper, "h", "weight", "[0,0]", "exp_avg", "exp_avg_sq")
    g = e["grad"]
    assert _slip(stepper, "h.exp_avg_weight[0,0]", 0.999 * e["exp_avg0"] + 0.001 * g) == "betas-swapped"
    assert _slip(stepper, "h.exp_avg_sq_weight[0,0]", 0.9 * e["exp_avg_sq0"] + 0.1 * g * g) == "betas-swapped"
    # the whole second update with β₁ = 0.999 and β₂ = 0.9 (the first update's state swapped too)
    first = Stepper(_network({"type": "adam", "betas": [0.999, 0.9]}))
    first.run_iteration()
    m0 = first.value("h.exp_avg_weight[0,0]")
    v0 = first.value("h.exp_avg_sq_weight[0,0]")
    m = 0.999 * e["exp_avg0"] + 0.001 * g
    v = 0.9 * e["exp_avg_sq0"] + 0.1 * g * g
    assert (m0, v0) != (e["exp_avg0"], e["exp_avg_sq0"])
    slipped = e["w"] - 0.1 * (m / (1 - 0.999 ** 2)) / (math.sqrt(v / (1 - 0.9 ** 2)) + 1e-8)
    assert _slip(stepper, "h.new_weight[0,0]", slipped) == "betas-swapped"


def test_adam_with_l2_taken_off_after_the_update_is_diagnosed() -> None:
    stepper = _stepped({"type": "adam", "weight_decay": 0.5})
    e = _entry(stepper, "out", "weight", "[1,0]", "exp_avg", "exp_avg_sq")
    g = e["grad"]  # the plain gradient: at update 1, m̂ = g and v̂ = g²
    slipped = e["w"] - 0.1 * g / (abs(g) + 1e-8) - 0.1 * 0.5 * e["w"]
    assert _slip(stepper, "out.new_weight[1,0]", slipped) == "l2-after-update"
    assert _slip(stepper, "out.exp_avg_weight[1,0]", 0.1 * g) == "l2-after-update"


def test_adamw_with_l2_in_the_gradient_is_diagnosed() -> None:
    stepper = _stepped({"type": "adamw", "weight_decay": 0.5})
    e = _entry(stepper, "out", "weight", "[1,0]", "exp_avg")
    g = e["grad"] + 0.5 * e["w"]  # coupled, as Adam: m̂ = g, v̂ = g² at update 1
    assert _slip(stepper, "out.new_weight[1,0]", e["w"] - 0.1 * g / (abs(g) + 1e-8)) == "l2-in-gradient"
    assert _slip(stepper, "out.exp_avg_weight[1,0]", 0.1 * g) == "l2-in-gradient"


def test_the_sign_of_the_step_is_diagnosed_for_adam_and_rmsprop() -> None:
    stepper = _stepped({"type": "adam"}, iterations=2)
    w, new = stepper.value("h.weight[1,2]"), stepper.value("h.new_weight[1,2]")
    assert _slip(stepper, "h.new_weight[1,2]", w + (w - new)) == "sign"
    rms = _stepped({"type": "rmsprop", "momentum": 0.9}, iterations=2)
    e = _entry(rms, "h", "weight", "[1,2]", "square_avg", "momentum_buffer")
    buf = 0.9 * e["momentum_buffer0"] - e["grad"] / (math.sqrt(e["square_avg"]) + 1e-8)
    assert _slip(rms, "h.momentum_buffer_weight[1,2]", buf) == "sign"


def test_rmsprop_eps_and_root_slips_are_diagnosed() -> None:
    stepper = _stepped({"type": "rmsprop", "eps": 0.01}, iterations=2)
    e = _entry(stepper, "h", "weight", "[0,1]", "square_avg")
    g, v = e["grad"], e["square_avg"]
    assert _slip(stepper, "h.new_weight[0,1]", e["w"] - 0.1 * g / math.sqrt(v + 0.01)) == "eps-inside-root"
    assert _slip(stepper, "h.new_weight[0,1]", e["w"] - 0.1 * g / (v + 0.01)) == "no-square-root"
    decayed = _stepped({"type": "rmsprop", "weight_decay": 0.3})
    e = _entry(decayed, "h", "weight", "[0,1]", "square_avg")
    g = e["grad"]
    slipped = e["w"] - 0.1 * g / (math.sqrt(0.01 * g * g) + 1e-8) - 0.1 * 0.3 * e["w"]
    assert _slip(decayed, "h.new_weight[0,1]", slipped) == "l2-after-update"


def test_sgd_momentum_slips_are_diagnosed() -> None:
    stepper = _stepped({"type": "sgd", "momentum": 0.9}, iterations=2)
    e = _entry(stepper, "h", "weight", "[0,2]", "momentum_buffer")
    g, v0 = e["grad"], e["momentum_buffer0"]
    # the sign of the momentum step: w + α·v′, and a buffer that subtracts the gradient
    assert _slip(stepper, "h.new_weight[0,2]", e["w"] + 0.1 * e["momentum_buffer"]) == "sign"
    assert _slip(stepper, "h.momentum_buffer_weight[0,2]", 0.9 * v0 - g) == "sign"
    # CS231n's v = μ·v − α·g; w += v, on torch's buffer
    assert _slip(stepper, "h.momentum_buffer_weight[0,2]", 0.9 * v0 - 0.1 * g) == "cs231n-momentum"
    assert _slip(stepper, "h.new_weight[0,2]", e["w"] + 0.9 * v0 - 0.1 * g) == "cs231n-momentum"
    assert "l2-after-update" not in OPTIMIZERS["sgd"].slips  # for SGD it gives the same update


def test_a_right_value_is_not_diagnosed() -> None:
    stepper = _stepped({"type": "adam"})
    for name in ("h.new_weight[0,0]", "h.exp_avg_weight[0,0]", "h.exp_avg_sq_weight[0,0]"):
        assert diagnose(stepper, name, stepper.value(name), 9) is None


# --- the state an update starts from: edited, journalled, saved -------------------------------------------

def test_an_edited_start_state_replays_from_the_journal_and_saves(tmp_path: Path) -> None:
    from core.engine import journal
    from core.scenario.load import load_scenario
    from core.scenario.save import save_scenario

    live = Stepper(_network({"type": "adam"}))
    recorded: list[dict] = []
    journal.record_commands(live, recorded.append)
    live.edit("h.prev_exp_avg_weight[0,1]", 0.25)
    live.run_iteration()
    live.edit("h.prev_exp_avg_sq_bias[1]", 0.5)  # after the update: the update is cleared
    assert live.phase().stage == "update"
    fresh = Stepper(_network({"type": "adam"}))
    done = journal.replay(fresh, recorded)
    assert done.failed is None and done.applied == 3
    assert fresh.optimizer_state.buffers.keys() == live.optimizer_state.buffers.keys() == \
        {"h.exp_avg_weight", "h.exp_avg_sq_bias"}
    for key, arr in live.optimizer_state.buffers.items():
        assert fresh.optimizer_state.buffers[key].tolist() == arr.tolist()
    # the edited start is saved as the file's state, and loads back as the start
    path = save_scenario(live.current_scenario(), tmp_path / "edited.yaml")
    loaded = Stepper(load_scenario(path))
    assert loaded.value("h.prev_exp_avg_weight[0,1]") == 0.25 and loaded.value("h.prev_exp_avg_weight[0,0]") == 0
    assert loaded.value("h.prev_exp_avg_sq_bias[1]") == 0.5
    live.update()
    loaded.run_iteration()
    for name in ["h.new_weight", "out.new_bias", *live.network.state_names()]:
        assert loaded.array(name).tolist() == live.array(name).tolist(), name


def test_editing_the_start_state_is_checked() -> None:
    from core.errors import EditError, QuantityError

    stepper = Stepper(_network({"type": "sgd", "momentum": 0.9}))
    with pytest.raises(EditError, match="has not started yet"):
        stepper.edit("h.prev_momentum_buffer_weight[0,0]", 1.0)
    with pytest.raises(EditError, match="is computed, not given"):
        stepper.edit("h.momentum_buffer_weight[0,0]", 1.0)
    assert not stepper.can_undo
    adam = Stepper(_network({"type": "adam"}))
    with pytest.raises(EditError, match="does not exist"):
        adam.edit("h.prev_exp_avg_weight[2,0]", 1.0)
    with pytest.raises(QuantityError, match="has no 'prev_exp_avg_bias'"):  # out's bias is frozen: no state
        adam.edit("out.prev_exp_avg_bias[0]", 1.0)
    with pytest.raises(QuantityError, match="has no 'prev_square_avg_weight'"):  # not this optimizer's kind
        adam.edit("h.prev_square_avg_weight[0,0]", 1.0)


def test_a_state_value_is_explained_by_the_sub_steps_it_reads() -> None:
    adam = _stepped({"type": "adam"})
    v = explain(adam, "h.exp_avg_sq_weight[1,1]")
    assert [note.split(" = ")[0] for note in v.notes[:-1]] == ["g"]  # m is not needed for v
    rms = _stepped({"type": "rmsprop", "momentum": 0.9})
    buf = explain(rms, "h.momentum_buffer_weight[1,1]")
    assert [note.split(" = ")[0] for note in buf.notes[:-1]] == ["g", "v′(w_h[1,1])"]  # √v′ in its formula


# --- the LaTeX export of the optimizers' notation -----------------------------------------------------------

def test_latex_writes_the_optimizers_notation_in_ascii() -> None:
    from core.exports import latex

    assert latex.math("m̂ = m′(w_h[0,1]) / (1 − β₁ᵗ) = 0.0307 / (1 − 0.9¹⁰)") == \
        r"\hat{m} = m'(w_{\mathrm{h}}[0,1]) / (1 - \beta _{1}^{t}) = 0.0307 / (1 - 0.9^{10})"
    assert latex.math("w − α·m̂ / (√v̂ + ε) = 0.3 − 0.1·0.3 / (√0.0941 + 1e−8)") == \
        r"w - \alpha \cdot \hat{m} / (\sqrt{\hat{v}} + \varepsilon ) = 0.3 - 0.1\cdot 0.3 / (\sqrt{0.0941} + 1e-8)"
    assert latex.math("g / (√v′(w_h[0,0]) + ε)") == r"g / (\sqrt{v'(w_{\mathrm{h}}[0,0])} + \varepsilon )"
    assert latex.math("μ·v + λ·w, ρ·v + (1 − ρ)·g², (1 − τ)") == \
        r"\mu \cdot v + \lambda \cdot w, \rho \cdot v + (1 - \rho )\cdot g^{2}, (1 - \tau )"


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed (.ci/run installs it)")
@pytest.mark.parametrize("raw", [{"type": "adam", "weight_decay": 0.1}, {"type": "adamw"},
                                 {"type": "rmsprop", "momentum": 0.9, "weight_decay": 0.1},
                                 {"type": "sgd", "momentum": 0.9, "dampening": 0.1, "weight_decay": 0.1}],
                         ids=lambda raw: raw["type"])
def test_the_latex_export_of_two_iterations_compiles(raw: dict, tmp_path: Path) -> None:
    from core.exports.markdown import to_latex

    stepper = _stepped(raw, iterations=2)  # the second iteration's derivations read the kept state
    tex = tmp_path / "optimizer.tex"
    tex.write_text(to_latex(stepper), encoding="utf-8")
    assert tex.read_text(encoding="utf-8").isascii()
    result = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", tex.name],
                            cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-2000:]
