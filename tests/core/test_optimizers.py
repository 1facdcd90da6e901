"""Optimizers as units (core/nn/optim): the registry, SGD against torch.optim.SGD, and the
optimizer state carried through stepping, undo, the next iteration, training, solve JSON,
the PyTorch export and save/load.

Plain SGD keeps no state, so the mechanism is proved with a test-only optimizer that keeps
one buffer (``EmaVelocity``, registered by the ``ema`` fixture), and with SGD's momentum.
"""

from __future__ import annotations

import importlib.util
import json
import math
from collections.abc import Iterator, Mapping
from pathlib import Path

import numpy as np
import pytest
from fixtures.cli_run import run_cli
from fixtures.formula_eval import evaluate
from fixtures.torch_scripts import run_script

from core.engine.stepper import Stepper
from core.engine.training import Trainer
from core.errors import ScenarioError, TrainingDiverged
from core.explain.explainer import explain
from core.exports.markdown import to_markdown
from core.exports.pytorch import to_pytorch
from core.exports.report import render_text, solve, to_json
from core.learner.diagnosis import diagnose
from core.learner.quiz import Quiz
from core.nn.optim import (
    OPTIMIZERS,
    Field,
    Hyper,
    Optimizer,
    OptimizerConfig,
    UpdateContext,
    UpdateStep,
    parse_optimizer,
    register,
    unregister,
)
from core.numbers import fmt
from core.scenario.catalog import load
from core.scenario.load import load_scenario, parse_scenario
from core.scenario.save import save_scenario

HAS_TORCH = importlib.util.find_spec("torch") is not None
needs_torch = pytest.mark.skipif(not HAS_TORCH, reason="torch is not installed (pip install torch==2.13.0)")


# --- a test-only optimizer with one state buffer -------------------------------------------------

class EmaVelocity(Optimizer):
    """v = ρ·v + (1 − ρ)·g (v starts at 0), v̂ = v / (1 − ρᵗ), w′ = w − α·v̂: Adam's first
    moment alone, with its bias correction by the update count t, so it needs ``step`` as
    Adam does. Not torch's: its torch lines define it as a torch.optim.Optimizer subclass."""

    name = "ema_test"
    title = "EMA test"
    fields = (Field("rho", 0.5, "smoothing ρ", low=0.0, high=1.0, high_open=True),)
    state_kinds = ("velocity",)
    state_titles = {"velocity": "velocity"}
    state_symbols = {"velocity": "v"}
    torch_class = "Velocity"
    torch_step_key = "step"
    slips = {"no-smoothing": lambda ctx, exact: [
        (ctx.old - ctx.hyper.learning_rate * ctx.grad, "{alt} steps by the raw gradient: the velocity is missing")]}

    def update(self, param: np.ndarray, grad: np.ndarray, state: Mapping[str, np.ndarray],
               hyper: Hyper) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        rho = hyper.number("rho")
        v = rho * state.get("velocity", np.zeros_like(param)) + (1 - rho) * grad
        return param - hyper.learning_rate * (v / (1 - rho ** hyper.step)), {"velocity": v}

    def derive(self, ctx: UpdateContext) -> list[UpdateStep]:
        n, f, rho = ctx.num, ctx.factor, ctx.hyper.number("rho")
        v_new = ctx.state_symbol("velocity", True)
        after = ctx.state_after["velocity"]
        v_old, before = ctx.state_symbol("velocity", False), ctx.state_before.get("velocity", 0.0)
        t = ctx.hyper.step
        corrected = after / (1 - rho ** t)
        return [UpdateStep("velocity", v_new, f"ρ·{v_old} + (1 − ρ)·{ctx.grad_term.symbol}",
                           f"{n(rho)}·{f(before)} + {n(1 - rho)}·{ctx.grad_term.numeric}", after,
                           "the velocity: a running average of the gradients"),
                UpdateStep("corrected", "v̂", f"{v_new} / (1 − ρ^{t})", f"{f(after)} / (1 − {n(rho)}**{t})",
                           corrected, f"bias correction of update {t}"),
                UpdateStep("new", ctx.new_symbol, f"{ctx.old_symbol} − α·v̂",
                           f"{n(ctx.old)} − {n(ctx.hyper.learning_rate)}·{f(corrected)}", ctx.new)]

    def torch_lines(self, config: OptimizerConfig, params: str, learning_rate: str) -> list[str]:
        return [
            "class Velocity(torch.optim.Optimizer):",
            "    def __init__(self, params, lr, rho):",
            "        super().__init__(params, {'lr': lr, 'rho': rho})",
            "",
            "    @torch.no_grad()",
            "    def step(self):",
            "        for group in self.param_groups:",
            "            for p in group['params']:",
            "                state = self.state[p]",
            "                state['step'] = state.get('step', torch.tensor(0.0)) + 1",
            "                v = state.get('velocity', torch.zeros_like(p))",
            "                v = group['rho'] * v + (1 - group['rho']) * p.grad",
            "                state['velocity'] = v",
            "                p.sub_(group['lr'] * (v / (1 - group['rho'] ** state['step'])))",
            "",
            "",
            f"optimizer = Velocity({params}, lr={learning_rate}, rho={config['rho']!r})",
        ]


@pytest.fixture
def ema() -> Iterator[Optimizer]:
    optimizer = register(EmaVelocity())
    yield optimizer
    unregister(optimizer.name)


SCENARIO = """\
format: 1
name: optimizer state
input: [3]
samples:
  - {x: [0.5, -0.2, 0.1], label: 0}
  - {x: [-0.3, 0.8, 0.4], label: 1}
  - {x: [0.9, 0.3, -0.6], label: 0}
layers:
  - {name: h, type: dense, units: 2, activation: tanh,
     weight: [[0.1, -0.2, 0.3], [0.4, 0.1, -0.3]], bias: [0.05, -0.1]}
  - {name: out, type: dense, units: 2, activation: softmax,
     weight: [[0.2, -0.1], [-0.3, 0.25]], bias: [0.0, 0.1], frozen: [bias]}
loss: cross_entropy
learning_rate: 0.5
"""


def scenario(optimizer: str | None = None, extra: str = ""):
    text = SCENARIO + (f"optimizer: {optimizer}\n" if optimizer else "")
    return parse_scenario(text.replace("frozen: [bias]}", "frozen: [bias]" + extra + "}"), file="s.yaml")


def manual(optimizer: Optimizer, options: dict, steps: list[tuple[np.ndarray, np.ndarray]]) -> list[np.ndarray]:
    """The update rule applied by hand to a sequence of (param, grad) — for checks."""
    state: dict[str, np.ndarray] = {}
    out = []
    for k, (param, grad) in enumerate(steps, start=1):
        new, state = optimizer.update(param, grad, state, Hyper(0.5, k, options))
        out.append(new)
    return out


# the adaptive optimizers, with and without weight decay and momentum, from step 0 and resumed
ADAPTIVE = [
    "{type: adam}",
    "{type: adam, betas: [0.8, 0.95], eps: 0.001, weight_decay: 0.1, step: 3}",
    "{type: adamw}",
    "{type: adamw, weight_decay: 0.2, step: 5}",
    "{type: rmsprop}",
    "{type: rmsprop, momentum: 0.9, weight_decay: 0.05, alpha: 0.9}",
    "{type: rmsprop, momentum: 0.5, step: 2}",
]


# --- the registry ---------------------------------------------------------------------------------

def test_every_registered_optimizer_is_fully_described(ema: Optimizer) -> None:
    assert {"sgd", "ema_test"} <= set(OPTIMIZERS)
    rng = np.random.default_rng(3)
    for name, optimizer in OPTIMIZERS.items():
        config, step = parse_optimizer({"type": name})
        assert step == 0 and set(config.options) == {f.name for f in optimizer.fields}
        param, grad = rng.normal(size=(2, 3)), rng.normal(size=(2, 3))
        before = (param.copy(), grad.copy())
        new, state = optimizer.update(param, grad, {}, Hyper(0.1, 1, config.options))
        assert new.shape == param.shape and not np.array_equal(new, param)
        assert np.array_equal(param, before[0]) and np.array_equal(grad, before[1])  # pure
        assert set(state) <= set(optimizer.state_kinds)
        assert all(arr is not grad and arr is not param for arr in state.values())
        for kind in optimizer.state_kinds:
            assert optimizer.state_titles[kind] and optimizer.state_symbols[kind]
        lines = optimizer.torch_lines(config, "trainable", "LEARNING_RATE")
        assert any(line.startswith("optimizer = ") for line in lines)
        assert all(callable(slip) for slip in optimizer.slips.values()) and optimizer.slips


def test_registering_an_incomplete_or_clashing_optimizer_fails_loudly(ema: Optimizer) -> None:
    class NoTitle(EmaVelocity):
        name = "no_title"
        title = None  # type: ignore[assignment]

    class Unnamed(EmaVelocity):
        state_symbols = {}

    with pytest.raises(ValueError, match="title"):
        register(NoTitle())
    with pytest.raises(ValueError, match="registered twice"):
        register(EmaVelocity())
    Unnamed.name = "unnamed"
    with pytest.raises(ValueError, match="needs a title and a symbol"):
        register(Unnamed())
    assert "no_title" not in OPTIMIZERS and "unnamed" not in OPTIMIZERS


# --- SGD against torch.optim.SGD --------------------------------------------------------------------

SGD_SETTINGS = [
    {},
    {"momentum": 0.9},
    {"momentum": 0.9, "dampening": 0.3},
    {"momentum": 0.8, "nesterov": True},
    {"weight_decay": 0.01},
    {"momentum": 0.9, "dampening": 0.1, "weight_decay": 0.05},
    {"momentum": 0.5, "nesterov": True, "weight_decay": 0.2},
]


@needs_torch
@pytest.mark.parametrize("settings", SGD_SETTINGS, ids=lambda s: ",".join(f"{k}={v}" for k, v in s.items()) or "plain")
def test_sgd_update_agrees_with_torch_over_several_steps(settings: dict) -> None:
    import torch

    config, _ = parse_optimizer({"type": "sgd", **settings})
    sgd = OPTIMIZERS["sgd"]
    rng = np.random.default_rng(7)
    param = rng.normal(size=(3, 4))
    theirs = torch.tensor(param, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([theirs], lr=0.3, **settings)
    state: Mapping[str, np.ndarray] = {}
    for step in range(1, 5):
        grad = rng.normal(size=(3, 4))
        param, state = sgd.update(param, grad, state, Hyper(0.3, step, config.options))
        theirs.grad = torch.tensor(grad, dtype=torch.float64)
        opt.step()
        np.testing.assert_allclose(param, theirs.detach().numpy(), rtol=0, atol=1e-15)
        if settings.get("momentum"):
            np.testing.assert_allclose(state["momentum_buffer"], opt.state[theirs]["momentum_buffer"].numpy(),
                                       rtol=0, atol=1e-15)
        else:
            assert state == {}


def test_plain_sgd_is_p_minus_alpha_gradient_exactly() -> None:
    param, grad = np.array([0.1, -0.2]), np.array([-0.293519, 0.5])
    new, state = OPTIMIZERS["sgd"].update(param, grad, {}, Hyper(0.5, 1, parse_optimizer(None)[0].options))
    assert new.tolist() == (param - 0.5 * grad).tolist() and state == {}


def test_sgd_momentum_buffer_starts_as_the_first_gradient_then_accumulates() -> None:
    sgd = OPTIMIZERS["sgd"]
    options = parse_optimizer({"type": "sgd", "momentum": 0.9, "dampening": 0.5})[0].options
    w, g1, g2 = np.array([1.0]), np.array([0.2]), np.array([-0.4])
    w1, s1 = sgd.update(w, g1, {}, Hyper(0.1, 1, options))
    assert s1["momentum_buffer"].tolist() == [0.2] and w1.tolist() == [1.0 - 0.1 * 0.2]
    w2, s2 = sgd.update(w1, g2, s1, Hyper(0.1, 2, options))
    assert s2["momentum_buffer"].tolist() == [0.9 * 0.2 + 0.5 * -0.4]
    assert w2.tolist() == [w1[0] - 0.1 * (0.9 * 0.2 + 0.5 * -0.4)]


# --- state through the stepper ------------------------------------------------------------------------

def test_state_flows_through_update_undo_and_next_iteration(ema: Optimizer) -> None:
    stepper = Stepper(scenario("{type: ema_test, rho: 0.25}"))
    assert stepper.network.kinds(stepper.network.layer("out"))[-1] == "velocity_weight"  # frozen bias: none
    stepper.forward_all()
    stepper.backward_all()
    assert stepper.array("h.velocity_weight") is None
    grad = stepper.array("h.grad_weight")
    stepper.update()
    v1 = stepper.array("h.velocity_weight")
    np.testing.assert_array_equal(v1, 0.75 * grad)
    np.testing.assert_array_equal(stepper.array("h.new_weight"),
                                  stepper.params["h"]["weight"] - 0.5 * (v1 / (1 - 0.25 ** 1)))
    assert stepper.array("out.velocity_bias") is None and "out.velocity_bias" not in stepper.state.values
    assert stepper.undo() == "update"
    assert stepper.array("h.velocity_weight") is None and stepper.optimizer_state.step == 0
    stepper.update()
    stepper.advance_to_next()
    assert stepper.optimizer_state.step == 1
    assert set(stepper.optimizer_state.buffers) == {"h.velocity_weight", "h.velocity_bias", "out.velocity_weight"}
    np.testing.assert_array_equal(stepper.optimizer_state.buffers["h.velocity_weight"], v1)
    assert stepper.array("h.velocity_weight") is None  # this iteration's update is not done yet
    stepper.run_iteration()
    v2 = stepper.array("h.velocity_weight")
    np.testing.assert_array_equal(v2, 0.25 * v1 + 0.75 * stepper.array("h.grad_weight"))
    np.testing.assert_array_equal(stepper.array("h.new_weight"),  # the bias correction of update 2
                                  stepper.params["h"]["weight"] - 0.5 * (v2 / (1 - 0.25 ** 2)))
    assert stepper.undo() == "whole iteration"
    assert stepper.undo() == "the step into the next iteration"
    assert stepper.optimizer_state.step == 0 and stepper.optimizer_state.buffers == {}
    np.testing.assert_array_equal(stepper.array("h.velocity_weight"), v1)


def test_an_edit_clears_the_state_after_the_update(ema: Optimizer) -> None:
    stepper = Stepper(scenario("{type: ema_test}"))
    stepper.run_iteration()
    stepper.edit("h.weight[0,0]", 0.7)
    assert stepper.array("h.velocity_weight") is None and stepper.phase().stage == "forward"


@pytest.mark.parametrize("optimizer", [*ADAPTIVE, "{type: ema_test, rho: 0.6}",
                                       "{type: sgd, momentum: 0.9, nesterov: true}",
                                       "{type: sgd, momentum: 0.5, dampening: 0.2, weight_decay: 0.1}", None])
def test_training_and_solve_agree_with_the_stepper_over_iterations(ema: Optimizer, optimizer: str | None) -> None:
    sc = scenario(optimizer)
    stepper = Stepper(sc)
    trainer = Trainer(sc)
    records = json.loads(to_json(sc, solve(sc, iterations=4)))["iterations"]
    for k in range(4):
        if k:
            stepper.advance_to_next()
        stepper.run_iteration()
        loss = trainer.step()
        assert loss == stepper.value("loss") == records[k]["loss"]
        for name in stepper.network.state_names():
            assert records[k]["values"][name] == stepper.array(name).tolist()  # state after the update
    final = stepper.current_scenario()
    for layer, own in trainer.params.items():
        for pname, arr in own.items():
            np.testing.assert_array_equal(arr, final.params[layer][pname])
    assert trainer.optimizer_state.step == final.optimizer_state.step == sc.optimizer_state.step + 4
    assert set(trainer.optimizer_state.buffers) == set(final.optimizer_state.buffers)
    for key, arr in trainer.optimizer_state.buffers.items():
        np.testing.assert_array_equal(arr, final.optimizer_state.buffers[key])


def test_a_quiz_of_updates_asks_for_the_momentum_buffer_before_the_weight() -> None:
    stepper = Stepper(scenario("{type: sgd, momentum: 0.9}"))
    quiz = Quiz(stepper, layer="out", kinds="updates")
    names = []
    while not quiz.finished:
        names.append(quiz.skip())
    assert names == ["out.momentum_buffer_weight[0,0]", "out.momentum_buffer_weight[0,1]",
                     "out.momentum_buffer_weight[1,0]", "out.momentum_buffer_weight[1,1]",
                     "out.new_weight[0,0]", "out.new_weight[0,1]", "out.new_weight[1,0]", "out.new_weight[1,1]",
                     "out.new_bias[0]", "out.new_bias[1]"]  # the frozen bias has no buffer


def test_reports_name_an_optimizer_that_is_not_plain_sgd() -> None:
    plain, momentum = scenario(), scenario("{type: sgd, momentum: 0.9, nesterov: true}")
    assert "α = 0.5\n" in render_text(plain, solve(plain, explained=True))
    text = render_text(momentum, solve(momentum, explained=True))
    assert "α = 0.5, SGD (momentum 0.9, nesterov)\n" in text
    assert "v′(w_h[0,0]) = " in text.split("Update")[-1]
    stepper = Stepper(momentum)
    stepper.run_iteration()
    assert "; cross_entropy; SGD (momentum 0.9, nesterov)" in to_markdown(stepper)


def test_plain_sgd_solve_json_has_no_state_values() -> None:
    sc = scenario()
    names = set(json.loads(to_json(sc, solve(sc)))["iterations"][0]["values"])
    assert not any("momentum" in n for n in names) and "h.new_weight" in names


# --- save and load ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("optimizer", [*ADAPTIVE, "{type: ema_test, rho: 0.4}",
                                       "{type: sgd, momentum: 0.9, weight_decay: 0.01}"])
def test_saving_after_an_update_resumes_exactly(ema: Optimizer, tmp_path: Path, optimizer: str) -> None:
    sc = scenario(optimizer)
    stepper = Stepper(sc)
    stepper.run_iteration()
    path = save_scenario(stepper.current_scenario(), tmp_path / "resumed.yaml")
    text = path.read_text(encoding="utf-8")
    assert f"step: {sc.optimizer_state.step + 1}\n" in text and "out.velocity_bias" not in text
    resumed = Stepper(load_scenario(path))
    assert resumed.optimizer_state.step == sc.optimizer_state.step + 1
    stepper.advance_to_next()
    # the resumed file runs its iteration 1 on sample 0 again; compare the update rule on the same batch
    resumed.scenario.samples = stepper.state.samples
    resumed.state = resumed._start(resumed.params, stepper.state.samples, 2, edited=False,
                                   optim=resumed.optimizer_state)
    stepper.run_iteration()
    resumed.run_iteration()
    for name in ["h.new_weight", "h.new_bias", "out.new_weight", *stepper.network.state_names()]:
        assert resumed.array(name).tolist() == stepper.array(name).tolist(), name


def test_plain_sgd_saves_its_type_only(tmp_path: Path) -> None:
    stepper = Stepper(scenario())
    stepper.run_iteration()
    text = save_scenario(stepper.current_scenario(), tmp_path / "plain.yaml").read_text(encoding="utf-8")
    assert "optimizer:\n  type: sgd\n" in text and "step:" not in text
    assert load_scenario(tmp_path / "plain.yaml").optimizer == scenario().optimizer


def test_a_file_can_give_the_starting_state(ema: Optimizer) -> None:
    given = ", velocity_weight: [[1.0, 2.0], [3.0, 4.0]]"
    sc = scenario("{type: ema_test, rho: 0.5, step: 3}", extra=given)
    assert sc.optimizer_state.step == 3
    assert sc.optimizer_state.buffers["out.velocity_weight"].tolist() == [[1.0, 2.0], [3.0, 4.0]]
    stepper = Stepper(sc)
    stepper.run_iteration()
    np.testing.assert_array_equal(stepper.array("out.velocity_weight"),
                                  0.5 * np.array([[1.0, 2.0], [3.0, 4.0]]) + 0.5 * stepper.array("out.grad_weight"))
    np.testing.assert_array_equal(stepper.array("h.velocity_weight"), 0.5 * stepper.array("h.grad_weight"))


@pytest.mark.parametrize(("optimizer", "kind"), [("{type: ema_test, rho: 0.5, step: 3}", "velocity"),
                                                 ("{type: sgd, momentum: 0.9}", "momentum_buffer"),
                                                 ("{type: adam, step: 4}", "exp_avg_sq"),
                                                 ("{type: adamw, weight_decay: 0.1}", "exp_avg"),
                                                 ("{type: rmsprop, momentum: 0.9, step: 2}", "momentum_buffer")])
def test_training_from_a_state_given_for_one_layer_only_matches_the_stepper(ema: Optimizer, optimizer: str,
                                                                            kind: str) -> None:
    sc = scenario(optimizer, extra=f", {kind}_weight: [[1.0, 2.0], [3.0, 4.0]]")
    trainer = Trainer(sc)
    stepper = Stepper(sc)
    for k in range(3):  # the first update goes parameter by parameter, the next ones on the flat vector
        if k:
            stepper.advance_to_next()
        stepper.run_iteration()
        assert trainer.step() == stepper.value("loss")
    final = stepper.current_scenario()
    state = trainer.optimizer_state
    assert state.step == final.optimizer_state.step == sc.optimizer_state.step + 3
    assert set(state.buffers) == set(final.optimizer_state.buffers) == set(stepper.network.state_names())
    for key, arr in state.buffers.items():
        assert arr.tolist() == final.optimizer_state.buffers[key].tolist(), key
    assert trainer.params["out"]["bias"].tolist() == sc.params["out"]["bias"].tolist()  # frozen


@pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")  # the blow-up itself
@pytest.mark.parametrize("extra", ["", ", momentum_buffer_weight: [[1.0, 2.0], [3.0, 4.0]]"])
def test_an_update_that_blows_up_changes_neither_parameters_nor_state(extra: str) -> None:
    sc = scenario("{type: sgd, momentum: 0.9}", extra=extra)
    sc.learning_rate = 1e200
    trainer = Trainer(sc)
    before_params, before_state = trainer.params, trainer.optimizer_state
    with pytest.raises(TrainingDiverged):
        for _ in range(5):
            before_params, before_state = trainer.params, trainer.optimizer_state
            trainer.step()
    assert trainer.optimizer_state.step == before_state.step
    for key, arr in trainer.optimizer_state.buffers.items():
        assert arr.tolist() == before_state.buffers[key].tolist()
    for layer, own in trainer.params.items():
        for name, arr in own.items():
            assert arr.tolist() == before_params[layer][name].tolist()


BAD_OPTIMIZERS = {
    "{type: lion}": ("optimizer.type", "unknown optimizer the text 'lion' (expected one of: adam, adamw, rmsprop, "
                                       "sgd)"),
    "{type: adam, momentum: 0.9}": ("optimizer.momentum", "adam does not take 'momentum' (it takes: type, betas, "
                                                          "eps, weight_decay, step)"),
    "{type: adamw, alpha: 0.9}": ("optimizer.alpha", "adamw does not take 'alpha'"),
    "{type: rmsprop, betas: [0.9, 0.99]}": ("optimizer.betas", "rmsprop does not take 'betas'"),
    "{type: rmsprop, nesterov: true}": ("optimizer.nesterov", "rmsprop does not take 'nesterov'"),
    "{type: adam, betas: [0.9]}": ("optimizer.betas", "expected a list of 2 numbers (the averages' factors β₁, β₂), "
                                                      "got a list of 1"),
    "{type: adam, betas: 0.9}": ("optimizer.betas", "expected a list of 2 numbers"),
    "{type: adam, betas: [0.9, 1.0]}": ("optimizer.betas", "the averages' factors β₁, β₂, entry 2 must be in "
                                                           "[0, 1), got 1"),
    "{type: adamw, betas: [0.9, fast]}": ("optimizer.betas", "expected a number (the averages' factors β₁, β₂, "
                                                             "entry 2), got the text 'fast'"),
    "{type: adam, eps: -1}": ("optimizer.eps", "must be ≥ 0"),
    "{type: rmsprop, alpha: 1.5}": ("optimizer.alpha", "smoothing constant ρ of the squared gradients must be in "
                                                       "[0, 1], got 1.5"),
    "{type: sgd, momentum: 1" + "0" * 400 + "}": ("optimizer.momentum", "got a number too large"),
    "{type: sgd, step: 1" + "0" * 400 + "}": ("optimizer.step", "got a number too large"),
    "{type: sgd, betas: [0.9, 0.99]}": ("optimizer.betas", "sgd does not take 'betas'"),
    "{type: sgd, nesterov: true}": ("optimizer.nesterov", "Nesterov momentum needs momentum > 0 and dampening 0"),
    "{type: sgd, momentum: 0.9, dampening: 0.1, nesterov: true}": ("optimizer.nesterov", "needs momentum > 0"),
    "{type: sgd, momentum: -1}": ("optimizer.momentum", "momentum factor μ must be ≥ 0, got -1"),
    "{type: sgd, momentum: fast}": ("optimizer.momentum", "expected a number (momentum factor μ), got the text 'fast'"),
    "{type: sgd, nesterov: 1}": ("optimizer.nesterov", "expected true or false"),
    "{type: sgd, step: -2}": ("optimizer.step", "expected a whole number ≥ 0"),
    "sgd": ("optimizer", "expected optimizer settings (a mapping of fields)"),
}


@pytest.mark.parametrize("text", BAD_OPTIMIZERS, ids=lambda text: text[:40])
def test_a_bad_optimizer_is_refused_with_one_message_naming_line_and_field(text: str) -> None:
    field, message = BAD_OPTIMIZERS[text]
    with pytest.raises(ScenarioError) as info:
        scenario(text)
    err = info.value
    assert err.field == field and message in err.reason, str(err)
    assert err.line == SCENARIO.count("\n") + 1
    assert "\n" not in str(err) and "Traceback" not in str(err)


def test_state_that_does_not_apply_is_refused() -> None:
    with pytest.raises(ScenarioError, match="unknown field 'momentum_buffer_weight'"):
        scenario("{type: sgd}", extra=", momentum_buffer_weight: [[1.0, 2.0], [3.0, 4.0]]")
    with pytest.raises(ScenarioError, match="bias is frozen, so it has no optimizer state") as info:
        scenario("{type: sgd, momentum: 0.9}", extra=", momentum_buffer_bias: [1.0, 2.0]")
    assert info.value.field == "layers[1].momentum_buffer_bias"
    with pytest.raises(ScenarioError, match="shape"):
        scenario("{type: sgd, momentum: 0.9}", extra=", momentum_buffer_weight: [1.0, 2.0]")


# --- derivations, slips and the export ---------------------------------------------------------------------

def test_plain_sgd_derivation_reads_as_before() -> None:
    stepper = Stepper(load("tiny-cnn"))
    stepper.run_iteration()
    d = explain(stepper, "out.new_weight[0,0]")
    assert d.one_line() == "w′_out[0,0] = w_out[0,0] − α·δ_out[0]·a_fc[0] = 0.1 − 0.5·(−0.294)·0.608 = 0.189"
    assert d.notes == ("SGD: w ← w − α·∂C/∂w, with ∂C/∂w = δ·(its input)",)  # cross-entropy: C
    assert d.title == "weight after the SGD update of out"


@pytest.mark.parametrize("optimizer", [*ADAPTIVE, "{type: ema_test, rho: 0.3}",
                                       "{type: sgd, momentum: 0.9, dampening: 0.2}",
                                       "{type: sgd, momentum: 0.7, nesterov: true, weight_decay: 0.1}",
                                       "{type: sgd, weight_decay: 0.05}"])
def test_every_update_sub_step_evaluates_to_its_value(ema: Optimizer, optimizer: str) -> None:
    stepper = Stepper(scenario(optimizer))
    for k in range(2):  # the second iteration's buffers start from the first's
        if k:
            stepper.advance_to_next()
        stepper.run_iteration()
        checked = 0
        names = ["h.new_weight", "h.new_bias", "out.new_weight", *stepper.network.state_names()]
        for name in names:
            for index in np.ndindex(stepper.array(name).shape):
                element = f"{name}[{','.join(map(str, index))}]"
                d = explain(stepper, element, decimals=None)
                assert d.value == stepper.value(element)
                assert math.isclose(evaluate(d.substituted), d.value, rel_tol=1e-9, abs_tol=1e-15), element
                for note in d.notes:  # the earlier sub-steps: "symbol = formula = numbers = value"
                    parts = note.split("   (")[0].split(" = ")  # symbol, formula[, numbers], value
                    if len(parts) == 4:
                        assert math.isclose(evaluate(parts[2]), evaluate(parts[3]), rel_tol=1e-9,
                                            abs_tol=1e-15), (element, note)
                checked += 1
        assert checked == sum(stepper.array(n).size for n in names) >= 12


def test_the_momentum_buffer_is_explained_with_numbers() -> None:
    stepper = Stepper(scenario("{type: sgd, momentum: 0.9}"))
    stepper.run_iteration()
    first = explain(stepper, "h.momentum_buffer_weight[0,1]")
    assert first.formula == "∂E/∂w_h[0,1]" or first.formula.startswith("δ_h[0]·")
    assert first.title == "momentum buffer of weight after the update, of h"
    assert "starts as the first gradient" in first.notes[-1]
    bias_note = explain(stepper, "h.new_bias[1]").notes[0]
    value = stepper.value("h.momentum_buffer_bias[1]")
    # the buffer is a copy of δ: written as the update's formula writes its numbers (here with
    # two decimals more, so that b′ = b − α·v′ reproduces its result)
    assert bias_note == f"v′(b_h[1]) = δ_h[1] = {fmt(value, 5, sig=5)}   (the momentum buffer starts as the first " \
                        "gradient, as in torch)"
    stepper.advance_to_next()
    stepper.run_iteration()
    second = explain(stepper, "h.momentum_buffer_weight[0,1]")
    assert second.symbol == "v′(w_h[0,1])" and second.formula.startswith("μ·v(w_h[0,1]) + δ_h[0]·")
    new = explain(stepper, "h.new_weight[0,1]")
    assert new.formula == "w_h[0,1] − α·v′(w_h[0,1])" and new.notes[0].startswith("v′(w_h[0,1]) = μ·")


def test_the_optimizer_slips_are_diagnosed(ema: Optimizer) -> None:
    stepper = Stepper(load("tiny-cnn"))
    stepper.run_iteration()
    old, grad = stepper.value("out.weight[0,0]"), stepper.value("out.grad_weight[0,0]")
    assert diagnose(stepper, "out.new_weight[0,0]", old - 0.25 * grad, 6).slip == "learning-rate"
    assert diagnose(stepper, "out.new_weight[0,0]", old + 0.5 * grad, 6).slip == "sign"
    velocity = Stepper(scenario("{type: ema_test, rho: 0.5}"))
    velocity.run_iteration()  # at update 1 the bias-corrected velocity is the gradient itself
    velocity.advance_to_next()
    velocity.run_iteration()
    old, grad = velocity.value("h.weight[1,2]"), velocity.value("h.grad_weight[1,2]")
    found = diagnose(velocity, "h.new_weight[1,2]", old - 0.5 * grad, 9)
    assert found is not None and found.slip == "no-smoothing" and "velocity is missing" in found.explanation


@needs_torch
@pytest.mark.parametrize("optimizer", [*ADAPTIVE, "{type: ema_test, rho: 0.3}", "{type: ema_test, rho: 0.3, step: 3}",
                                       "{type: sgd, momentum: 0.9, nesterov: true}",
                                       "{type: sgd, momentum: 0.5, dampening: 0.5, weight_decay: 0.1}"])
def test_the_pytorch_export_steps_from_the_same_state(ema: Optimizer, tmp_path: Path, optimizer: str) -> None:
    stepper = Stepper(scenario(optimizer))
    for k in range(3):  # iterations 2 and 3 start from a state the script must load
        if k:
            stepper.advance_to_next()
        stepper.run_iteration()
        script = tmp_path / f"iteration{k}.py"
        script.write_text(to_pytorch(stepper), encoding="utf-8")
        result = run_script(script)
        assert result.returncode == 0, result.stderr
        theirs = json.loads(result.stdout)["iterations"][0]["values"]
        state = stepper.network.state_names()
        assert set(state) <= set(theirs) and state
        for name in ["h.new_weight", "h.new_bias", "out.new_weight", "out.new_bias", *state]:
            np.testing.assert_allclose(np.array(theirs[name]), stepper.array(name), rtol=0, atol=1e-12,
                                       err_msg=f"iteration {k + 1}: {name}")


# --- the command -----------------------------------------------------------------------------------------------

def test_check_refuses_a_bad_optimizer_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "adam.yaml"
    path.write_text(SCENARIO + "optimizer: {type: adam, betas: [0.9, 1.5]}\n", encoding="utf-8")
    result = run_cli("check", str(path))
    assert result.returncode == 1 and result.stdout == ""
    line = SCENARIO.count("\n") + 1
    assert result.stderr == f"cnn-tui: {path}:{line}: optimizer.betas: the averages' factors β₁, β₂, entry 2 must " \
                            "be in [0, 1), got 1.5\n"


def test_train_save_writes_the_momentum_buffer_and_step(tmp_path: Path) -> None:
    path = tmp_path / "momentum.yaml"
    path.write_text(SCENARIO + "optimizer: {type: sgd, momentum: 0.9}\n", encoding="utf-8")
    result = run_cli("train", str(path), "--epochs", "2", "--save", str(tmp_path / "trained.yaml"))
    assert result.returncode == 0, result.stderr
    trained = load_scenario(tmp_path / "trained.yaml")
    trainer = Trainer(load_scenario(path))
    for _ in range(6):  # 2 epochs of 3 samples
        trainer.step()
    assert trained.optimizer_state.step == 6 and trained.optimizer == trainer.scenario.optimizer
    assert set(trained.optimizer_state.buffers) == {"h.momentum_buffer_weight", "h.momentum_buffer_bias",
                                                    "out.momentum_buffer_weight"}
    for key, arr in trainer.optimizer_state.buffers.items():
        assert trained.optimizer_state.buffers[key].tolist() == arr.tolist()
    for layer, own in trainer.params.items():
        for pname, arr in own.items():
            assert trained.params[layer][pname].tolist() == arr.tolist()


def test_an_updated_weight_is_titled_by_its_optimizer(ema: Optimizer) -> None:
    stepper = Stepper(scenario("{type: ema_test, rho: 0.3}"))
    stepper.run_iteration()
    assert explain(stepper, "out.new_weight[0,0]").title == "weight after the EMA test update of out"
    assert explain(stepper, "h.new_bias[0]").title == "bias after the EMA test update of h"
