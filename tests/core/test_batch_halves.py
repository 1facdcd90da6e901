"""A batch in two halves (core/engine/batch_halves.py): the batch mean's gradient to the
last bits for every loss, optimizer and kind of network (a chain, batch norm, dropout, a
residual graph), and the same floats to the bit whether one process works both halves or a
forked child works the second (and after the child is gone, even in the middle of a step).

No timing is asserted: a wait in a test is bounded only so that a hung child ends the test."""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from fixtures.helpers import build, random_samples, scenario_text

import core.engine.process_pair as process_pair
from core.engine.batch_halves import HalvedChain, HalvedPasses, halves_pay, halves_possible, step_work
from core.engine.chain import Chain
from core.engine.scenario import Scenario
from core.engine.training import Trainer
from core.errors import TrainingDiverged
from core.nn import halves
from core.scenario.catalog import load

CONV = [{"name": "c", "type": "conv2d", "filters": 4, "kernel": 3, "activation": "relu"},
        {"name": "p", "type": "maxpool2d", "size": 2},
        {"name": "flat", "type": "flatten"}]
# (loss, output activation): every loss, fused with its activation where it has one
LOSSES = [("cross_entropy", "softmax"), ("binary_cross_entropy", "sigmoid"), ("mse", "linear"),
          ("squared_error", "tanh"), ("cross_entropy", "sigmoid")]
OPTIMIZERS = ["", "optimizer: {type: sgd, momentum: 0.9, nesterov: true}\n", "optimizer: {type: adam}\n",
              "optimizer: {type: rmsprop}\n", "optimizer: {type: adamw, weight_decay: 0.1}\n"]


@pytest.fixture(autouse=True)
def _restore() -> Iterator[None]:
    on = halves.later_on()
    yield
    halves.set_later_on(on)


def _scenario(loss: str = "cross_entropy", activation: str = "softmax", extra: str = "", batch: int = 8,
              seed: int = 3) -> Scenario:
    rng = np.random.default_rng(seed)
    outputs = 3
    samples = random_samples(rng, (1, 8, 8), outputs, loss, 24)
    layers = [*CONV, {"name": "out", "type": "dense", "units": outputs, "activation": activation}]
    return build(scenario_text([1, 8, 8], layers, loss, samples, learning_rate=0.05, batch_size=batch,
                               extra="init: he\n" + extra))


def _trained(scenario: Scenario, steps: int, halves_on: bool, two: bool = False
             ) -> tuple[list[float], np.ndarray, Trainer]:
    trainer = Trainer(scenario, halves=halves_on)
    with trainer.two_processes() if two else _nothing():
        losses = [trainer.step() for _ in range(steps)]
    theta = np.concatenate([a.ravel() for ps in trainer.params.values() for a in ps.values()])
    return losses, theta, trainer


class _nothing:
    def __enter__(self) -> bool:
        return False

    def __exit__(self, *exc: object) -> None:
        return None


# --- the maths: the batch mean's gradient --------------------------------------------------

@pytest.mark.parametrize(("loss", "activation"), LOSSES)
def test_two_halves_are_the_batch_means_gradient_for_every_loss(loss: str, activation: str) -> None:
    scenario = _scenario(loss, activation)
    whole, whole_theta, one = _trained(scenario, 1, False)
    halved, halved_theta, two = _trained(scenario, 1, True)
    assert isinstance(two._chain, HalvedChain) and not isinstance(one._chain, HalvedChain)
    np.testing.assert_allclose(halved, whole, rtol=1e-13)
    # the gradients themselves: a factor of two in the halves' scaling would show at once
    np.testing.assert_allclose(two._grad, one._grad, rtol=1e-12, atol=1e-16)
    np.testing.assert_allclose(halved_theta, whole_theta, rtol=1e-13, atol=1e-16)
    assert np.abs(one._grad).max() > 1e-3  # (a real gradient, not zeros)


@pytest.mark.parametrize("optimizer", OPTIMIZERS)
def test_halves_train_as_one_pass_does_over_iterations(optimizer: str) -> None:
    scenario = _scenario(extra=optimizer)
    whole, whole_theta, _ = _trained(scenario, 9, False)  # three epochs: every batch comes round
    halved, halved_theta, _ = _trained(scenario, 9, True)
    np.testing.assert_allclose(halved, whole, rtol=1e-12)
    np.testing.assert_allclose(halved_theta, whole_theta, rtol=1e-11, atol=1e-14)


def test_the_halves_are_each_halfs_own_pass() -> None:
    """The sum is (first half's mean gradient + second's) / 2, each half's from its own pass."""
    scenario = _scenario(batch=8)
    trainer = Trainer(scenario, halves=True)
    loss = trainer.step()
    halves_of = []
    for rows in (slice(0, 4), slice(4, 8)):
        part = scenario.copy()
        part.samples = type(scenario.samples)(scenario.samples.x[rows], scenario.samples.y[rows])
        part.batch_size = 4
        alone = Trainer(part)
        halves_of.append((alone.step(), alone._grad.copy()))
    (first_loss, first), (second_loss, second) = halves_of
    assert loss == (first_loss + second_loss) * 0.5
    assert trainer._grad.tobytes() == ((first + second) * 0.5).tobytes()


def test_odd_batches_work_in_one_pass() -> None:
    trainer = Trainer(_scenario(batch=5), halves=True)
    assert not isinstance(trainer._chain, HalvedChain) and trainer._halved is None
    assert not halves_possible(1) and not halves_possible(7) and halves_possible(2)


def test_halves_pay_from_shapes_only() -> None:
    digits = load("digits")
    assert step_work(digits.network, 16) == 2 * step_work(digits.network, 8)
    assert not halves_pay(digits.network, 8)  # below MIN_BATCH
    assert not halves_pay(digits.network, 16)  # 1,370 parameters for 107k multiply-adds: too many
    assert halves_pay(digits.network, 32) and halves_pay(digits.network, 64)
    assert not halves_pay(digits.network, 17)  # odd
    assert not halves_pay(load("tiny-cnn").network, 64)  # too little work for the exchange
    dense = build(scenario_text([784], [{"name": "h", "type": "dense", "units": 256, "activation": "relu"},
                                        {"name": "out", "type": "dense", "units": 10, "activation": "softmax"}],
                                "cross_entropy", [{"x": [0.0] * 784, "y": [1.0] + [0.0] * 9}]))
    # a weight per multiply-add of a sample: exchanging the gradients costs more than the halves save
    assert not halves_pay(dense.network, 64)


# --- two processes ------------------------------------------------------------------------

needs_fork = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")


@pytest.fixture
def forkable(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two processes where this test runs (the test runner's own threads would say no)."""
    monkeypatch.setattr(process_pair, "two_processes_possible", lambda: True)


def _child_gone(pid: int) -> bool:
    try:
        return os.waitpid(pid, os.WNOHANG)[0] != 0
    except ChildProcessError:  # reaped already
        return True


@needs_fork
@pytest.mark.parametrize("optimizer", OPTIMIZERS[:3])
def test_two_processes_make_one_process_halves_floats(optimizer: str, forkable: None) -> None:
    scenario = _scenario(extra=optimizer, batch=8)
    alone_losses, alone_theta, alone = _trained(scenario, 12, True)
    trainer = Trainer(scenario, halves=True)
    chain = trainer._chain
    assert isinstance(chain, HalvedChain)
    with trainer.two_processes() as started:
        assert started and chain.pair.child > 0
        pid = chain.pair.child
        before = chain.pair.meetings
        losses = [trainer.step() for _ in range(12)]
        assert chain.pair.met == chain.pair.meetings - before == 12  # every second half came from the child
        assert chain.pair.role == 0  # (never alone)
    assert _child_gone(pid) and chain.pair.child == 0
    assert [np.float64(v).tobytes() for v in losses] == [np.float64(v).tobytes() for v in alone_losses]
    theta = np.concatenate([a.ravel() for ps in trainer.params.values() for a in ps.values()])
    assert theta.tobytes() == alone_theta.tobytes()
    state, alone_state = trainer.optimizer_state, alone.optimizer_state
    assert state.step == alone_state.step == 12
    assert set(state.buffers) == set(alone_state.buffers)
    for name, value in alone_state.buffers.items():
        assert state.buffers[name].tobytes() == value.tobytes(), name
    # after the block: one process again, the same floats as ever
    assert trainer.step() == alone.step()


@needs_fork
def test_a_parent_whose_child_dies_works_both_halves_with_the_same_floats(forkable: None) -> None:
    scenario = _scenario(batch=8)
    alone_losses, alone_theta, _ = _trained(scenario, 10, True)
    trainer = Trainer(scenario, halves=True)
    chain = trainer._chain
    assert isinstance(chain, HalvedChain)
    with trainer.two_processes():
        losses = [trainer.step() for _ in range(4)]
        assert chain.pair.child > 0  # (a kill of pid 0 would kill the test run's whole process group)
        os.kill(chain.pair.child, signal.SIGKILL)
        losses += [trainer.step() for _ in range(6)]
        assert chain.pair.child == 0  # found gone, and reaped
    theta = np.concatenate([a.ravel() for ps in trainer.params.values() for a in ps.values()])
    assert losses == alone_losses and theta.tobytes() == alone_theta.tobytes()


@needs_fork
def test_the_child_leaves_when_the_block_ends_by_an_error(forkable: None) -> None:
    trainer = Trainer(_scenario(batch=8), halves=True)
    chain = trainer._chain
    assert isinstance(chain, HalvedChain)
    with pytest.raises(KeyboardInterrupt), trainer.two_processes():
        trainer.step()
        pid = chain.pair.child
        raise KeyboardInterrupt
    assert _child_gone(pid)


@needs_fork
def test_a_child_whose_parent_is_gone_leaves(forkable: None, tmp_path: Path) -> None:
    """A parent killed mid-run (no block end to tell the child) leaves no child behind."""
    scenario = _scenario(batch=8)
    marker = tmp_path / "child"
    pid = os.fork()
    if pid == 0:  # the would-be parent: starts its child, writes its pid, then is killed
        try:
            trainer = Trainer(scenario, halves=True)
            chain = trainer._chain
            assert isinstance(chain, HalvedChain)
            with trainer.two_processes():
                trainer.step()
                marker.write_text(str(chain.pair.child))
                time.sleep(60)
        finally:
            os._exit(1)
    deadline = time.monotonic() + 30
    while not marker.exists() or not marker.read_text():
        assert time.monotonic() < deadline, "the parent never started its child"
        time.sleep(0.01)
    child = int(marker.read_text())
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    while True:  # the orphan looks for its parent while it waits for the next step
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            break
        assert time.monotonic() < deadline, "the child outlived its parent"
        time.sleep(0.01)


@needs_fork
@pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")
def test_divergence_stops_both_processes_at_the_same_iteration(forkable: None) -> None:
    scenario = _scenario(batch=8)
    scenario.learning_rate = 1e200
    with pytest.raises(TrainingDiverged) as alone:
        _trained(scenario, 5, True)
    trainer = Trainer(scenario, halves=True)
    chain = trainer._chain
    assert isinstance(chain, HalvedChain)
    with pytest.raises(TrainingDiverged) as paired, trainer.two_processes():
        pid = chain.pair.child
        for _ in range(5):
            trainer.step()
    assert str(paired.value) == str(alone.value)
    assert _child_gone(pid)


def test_no_second_process_where_it_cannot_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(process_pair, "two_processes_possible", lambda: False)
    scenario = _scenario(batch=8)
    trainer = Trainer(scenario, halves=True)
    with trainer.two_processes() as started:
        losses = [trainer.step() for _ in range(3)]
    assert not started
    assert losses == _trained(scenario, 3, True)[0]
    with Trainer(scenario).two_processes() as started_whole:  # one pass: nothing to share
        assert not started_whole


# --- networks the chain plan does not fit: batch norm, dropout, a residual graph --------

NETWORKS: dict[str, list[dict]] = {
    "batchnorm2d": [{"name": "c", "type": "conv2d", "filters": 4, "kernel": 3, "activation": "linear"},
                    {"name": "bn", "type": "batchnorm2d", "activation": "relu"},
                    {"name": "p", "type": "maxpool2d", "size": 2},
                    {"name": "flat", "type": "flatten"}],
    "batchnorm1d": [{"name": "flat", "type": "flatten"},
                    {"name": "h", "type": "dense", "units": 6, "activation": "linear"},
                    {"name": "bn", "type": "batchnorm1d", "activation": "tanh", "momentum": 0.3}],
    "dropout": [{"name": "flat", "type": "flatten"},
                {"name": "h", "type": "dense", "units": 6, "activation": "relu"},
                {"name": "drop", "type": "dropout", "p": 0.5}],
    "residual": [{"name": "flat", "type": "flatten"},
                 {"name": "h1", "type": "dense", "units": 6, "activation": "relu"},
                 {"name": "h2", "type": "dense", "units": 6, "activation": "linear"},
                 {"name": "bn", "type": "batchnorm1d", "activation": "linear"},
                 {"name": "skip", "type": "add", "inputs": ["h1", "bn"], "activation": "relu"}],
}


def _network(name: str, extra: str = "", batch: int = 8) -> Scenario:
    rng = np.random.default_rng(11)
    samples = random_samples(rng, (1, 8, 8), 3, "cross_entropy", 24)
    layers = [*NETWORKS[name], {"name": "out", "type": "dense", "units": 3, "activation": "softmax"}]
    return build(scenario_text([1, 8, 8], layers, "cross_entropy", samples, learning_rate=0.05, batch_size=batch,
                               extra="init: he\n" + extra))


def _state_bytes(trainer: Trainer) -> list[bytes]:
    return [a.tobytes() for kinds in trainer.layer_state.values() for a in kinds.values()]


@pytest.mark.parametrize("optimizer", ["", "optimizer: {type: adam}\n"])
@pytest.mark.parametrize("name", sorted(NETWORKS))
def test_halves_of_any_network_train_as_one_pass_does(name: str, optimizer: str) -> None:
    scenario = _network(name, optimizer)
    whole, whole_theta, one = _trained(scenario, 9, False)
    halved, halved_theta, two = _trained(scenario, 9, True)
    assert isinstance(two._halved, HalvedPasses) and one._halved is None
    np.testing.assert_allclose(halved, whole, rtol=1e-12)
    # Adam divides a gradient by its own size: a bias before batch norm, whose gradient is
    # rounding noise either way (the mean takes it away), takes steps of noise's sign
    rtol, atol = (1e-9, 1e-8) if optimizer else (1e-12, 1e-13)
    np.testing.assert_allclose(halved_theta, whole_theta, rtol=rtol, atol=atol)
    for layer, kinds in one.layer_state.items():  # running statistics from the whole batch's
        for kind, value in kinds.items():
            np.testing.assert_allclose(two.layer_state[layer][kind], value, rtol=rtol, atol=atol,
                                       err_msg=f"{layer}.{kind}")


def test_batch_norm_halves_normalise_by_the_whole_batchs_statistics() -> None:
    """Not each half's own: one step's running mean is the whole batch's mean times momentum."""
    scenario = _network("batchnorm1d")
    trainer = Trainer(scenario, halves=True)
    trainer.step()
    flat = scenario.samples.x[:8].reshape(8, -1)
    h = flat @ scenario.params["h"]["weight"].T + scenario.params["h"]["bias"]
    np.testing.assert_allclose(trainer.layer_state["bn"]["running_mean"], 0.3 * h.mean(axis=0), rtol=1e-12)


@needs_fork
@pytest.mark.parametrize("name", sorted(NETWORKS))
def test_two_processes_make_the_one_process_floats_for_any_network(name: str, forkable: None) -> None:
    scenario = _network(name, "optimizer: {type: adam}\n")
    alone_losses, alone_theta, alone = _trained(scenario, 9, True)
    trainer = Trainer(scenario, halves=True)
    halved = trainer._halved
    assert isinstance(halved, HalvedPasses)
    with trainer.two_processes() as started:
        assert started and halved.pair.child > 0
        before = halved.pair.meetings
        losses = [trainer.step() for _ in range(9)]
        # θ·θ, then batch norm's three sums for each of its layers, then the gradients: all met
        per_step = 2 + 3 * sum(layer.name == "bn" for layer in scenario.network.layers)
        assert halved.pair.met == halved.pair.meetings - before == 9 * per_step
        assert halved.pair.role == 0
    theta = np.concatenate([a.ravel() for ps in trainer.params.values() for a in ps.values()])
    assert losses == alone_losses and theta.tobytes() == alone_theta.tobytes()
    assert _state_bytes(trainer) == _state_bytes(alone)


@needs_fork
def test_a_child_gone_in_the_middle_of_a_step_leaves_the_parent_the_same_floats(forkable: None) -> None:
    """The child dies while it waits at batch norm's first meeting of the next step: the
    parent finds it gone there, and works that step again alone."""
    scenario = _network("batchnorm2d")
    alone_losses, alone_theta, alone = _trained(scenario, 8, True)
    trainer = Trainer(scenario, halves=True)
    halved = trainer._halved
    assert isinstance(halved, HalvedPasses)
    with trainer.two_processes():
        losses = [trainer.step() for _ in range(3)]
        assert halved.pair.child > 0
        os.kill(halved.pair.child, signal.SIGKILL)
        losses += [trainer.step() for _ in range(5)]
        assert halved.pair.child == 0
    theta = np.concatenate([a.ravel() for ps in trainer.params.values() for a in ps.values()])
    assert losses == alone_losses and theta.tobytes() == alone_theta.tobytes()
    assert _state_bytes(trainer) == _state_bytes(alone)


def test_an_error_in_one_half_is_raised_and_stops_the_other(monkeypatch: pytest.MonkeyPatch) -> None:
    trainer = Trainer(_network("batchnorm2d"), halves=True)
    halved = trainer._halved
    assert isinstance(halved, HalvedPasses)
    real = HalvedPasses._half_pass

    def failing(self: HalvedPasses, role: int, *args: object) -> object:
        if role == 1:
            raise MemoryError("the second half ran out")
        return real(self, role, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(HalvedPasses, "_half_pass", failing)
    with pytest.raises(MemoryError, match="second half"):
        trainer.step()
    assert trainer.iteration == 1  # nothing applied


# --- a pair out of step, and a pair that cannot start -------------------------------------

@needs_fork
@pytest.mark.parametrize("name", ["chain", "batchnorm2d"])
def test_a_parent_changed_inside_the_block_goes_on_alone_with_its_own_numbers(name: str, forkable: None) -> None:
    """The learning rate changed in the parent only: the next step's θ·θ differ, and the
    parent parts from the child and works both halves itself."""
    scenario = _scenario(batch=8) if name == "chain" else _network(name)

    def run(paired: bool) -> tuple[list[float], bytes, Trainer]:
        trainer = Trainer(scenario.copy(), halves=True)
        with trainer.two_processes() if paired else _nothing():
            losses = [trainer.step() for _ in range(3)]
            trainer.scenario.learning_rate *= 3
            losses += [trainer.step() for _ in range(5)]
        return losses, trainer._theta.tobytes(), trainer

    alone_losses, alone_theta, _ = run(False)
    losses, theta, trainer = run(True)
    assert losses == alone_losses and theta == alone_theta
    pair = (trainer._chain if name == "chain" else trainer._halved).pair  # type: ignore[union-attr]
    assert pair.child == 0 and pair.role == -1  # parted


@needs_fork
@pytest.mark.parametrize("name", ["chain", "batchnorm2d"])
def test_an_error_in_the_parents_step_parts_the_pair(name: str, forkable: None, monkeypatch: pytest.MonkeyPatch
                                                     ) -> None:
    """A step that raises in the parent (Ctrl-C in the middle of it) leaves the child behind
    it: the pair parts, and the steps after it give one process's numbers."""
    scenario = _scenario(batch=8) if name == "chain" else _network(name)
    armed = {"on": False}
    real = Chain.gradients if name == "chain" else HalvedPasses._half_pass

    def interrupted(*args: object, **kwargs: object) -> object:
        if armed["on"] and os.getpid() == parent:
            armed["on"] = False
            raise KeyboardInterrupt
        return real(*args, **kwargs)  # type: ignore[operator]

    parent = os.getpid()
    monkeypatch.setattr(Chain if name == "chain" else HalvedPasses, "gradients" if name == "chain" else "_half_pass",
                        interrupted)

    def run(paired: bool) -> tuple[list[float], bytes]:
        trainer = Trainer(scenario, halves=True)
        losses = []
        with trainer.two_processes() if paired else _nothing():
            for i in range(7):
                armed["on"] = i == 3  # in the parent's own half of the fourth step
                try:
                    losses.append(trainer.step())
                except KeyboardInterrupt:
                    losses.append(-1.0)
        return losses, trainer._theta.tobytes()

    alone = run(False)
    assert -1.0 in alone[0]
    assert run(True) == alone  # (and the pair parted: the child is reaped at the block's end either way)


@needs_fork
def test_a_fork_that_fails_trains_in_one_process(forkable: None, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_fork() -> int:
        raise OSError(11, "Resource temporarily unavailable")

    halves.set_later_on(True)
    scenario = _scenario(batch=8)
    trainer = Trainer(scenario, halves=True)
    monkeypatch.setattr(os, "fork", no_fork)
    with trainer.two_processes() as started:
        losses = [trainer.step() for _ in range(3)]
    assert not started and halves.later_on()  # the hand-over as it was
    assert losses == _trained(scenario, 3, True)[0]


def test_a_cpu_quota_counts_as_fewer_cpus(tmp_path: Path) -> None:
    """A container's --cpus or a systemd slice's CPUQuota (cgroup v2's cpu.max, v1's quota
    and period), on the process's own cgroup or on any parent of it, caps ``cpus``."""
    root = tmp_path / "cgroup"
    own = tmp_path / "self-cgroup"
    slice_dir = root / "user.slice" / "app.scope"
    slice_dir.mkdir(parents=True)
    own.write_text("0::/user.slice/app.scope\n")
    assert halves._cpu_quota(str(root), str(own)) is None  # no cpu.max anywhere: no limit
    (root / "user.slice" / "cpu.max").write_text("150000 100000\n")  # on the parent
    (slice_dir / "cpu.max").write_text("max 100000\n")
    assert halves._cpu_quota(str(root), str(own)) == 1.5
    (slice_dir / "cpu.max").write_text("50000 100000\n")  # the least along the path
    assert halves._cpu_quota(str(root), str(own)) == 0.5
    v1 = tmp_path / "v1"
    (v1 / "cpu" / "docker" / "c1").mkdir(parents=True)
    own.write_text("4:memory:/x\n2:cpu,cpuacct:/docker/c1\n")
    (v1 / "cpu" / "docker" / "c1" / "cpu.cfs_quota_us").write_text("100000\n")
    (v1 / "cpu" / "docker" / "c1" / "cpu.cfs_period_us").write_text("100000\n")
    assert halves._cpu_quota(str(v1), str(own)) == 1.0
    (v1 / "cpu" / "docker" / "c1" / "cpu.cfs_quota_us").write_text("-1\n")
    assert halves._cpu_quota(str(v1), str(own)) is None
    assert halves._cpu_quota(str(tmp_path / "none"), str(tmp_path / "none")) is None


# --- review findings: the helper thread's context, errors after the gradients, a Ctrl-C at the join

def test_the_second_halfs_thread_keeps_numpys_error_state(monkeypatch: pytest.MonkeyPatch) -> None:
    """NumPy's error state is per context: the helper thread runs in the caller's, so an
    overflow the caller ignores is ignored in both halves (and raised in both where asked)."""
    import warnings

    monkeypatch.setattr(process_pair, "two_processes_possible", lambda: False)
    scenario = _network("batchnorm1d")
    scenario.samples.x = scenario.samples.x * 1e160  # products overflow in both halves
    trainer = Trainer(scenario, halves=True)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("error")  # a warning from either thread would fail the step
        with contextlib.suppress(TrainingDiverged):
            trainer.step()
    with np.errstate(all="raise"), pytest.raises(FloatingPointError):
        Trainer(scenario, halves=True).step()


@needs_fork
def test_an_error_after_the_gradients_parts_the_pair(forkable: None) -> None:
    """A Ctrl-C after both halves met but before the step's end, in the parent only: the
    child has finished the step and the parent has not, so they part, and the parent's
    numbers are one process's (the same interrupted step)."""
    scenario = _network("batchnorm2d")

    class Interrupting(dict):  # the trainer's layer state, whose update after the forward is interrupted once
        armed = False

        def update(self, *args: object, **kwargs: object) -> None:
            if Interrupting.armed and os.getpid() == parent:
                Interrupting.armed = False
                raise KeyboardInterrupt
            super().update(*args, **kwargs)

    parent = os.getpid()

    def run(paired: bool) -> tuple[list[float], bytes, Trainer]:
        trainer = Trainer(scenario, halves=True)
        trainer._layer_state = Interrupting(trainer._layer_state)
        losses = []
        with trainer.two_processes() if paired else _nothing():
            for i in range(7):
                Interrupting.armed = i == 3
                try:
                    losses.append(trainer.step())
                except KeyboardInterrupt:
                    losses.append(-1.0)
        return losses, trainer._theta.tobytes(), trainer

    alone_losses, alone_theta, _ = run(False)
    losses, theta, trainer = run(True)
    assert -1.0 in alone_losses
    assert losses == alone_losses and theta == alone_theta
    assert trainer._pair is not None and trainer._pair.role == -1


def test_a_ctrl_c_while_joining_the_second_half_stops_it_first(monkeypatch: pytest.MonkeyPatch) -> None:
    from core.engine import batch_halves

    turns = batch_halves._Turns()
    stopped = []

    def second_half() -> None:
        try:
            turns.wait(1)  # waits for a turn that only a failure gives it
        except batch_halves._OtherHalfFailed:
            stopped.append(True)

    helper = __import__("threading").Thread(target=second_half, daemon=True)
    helper.start()
    real_join = type(helper).join
    calls = {"n": 0}

    def join(self: object, timeout: float | None = None) -> None:
        calls["n"] += 1
        if calls["n"] == 1:
            raise KeyboardInterrupt
        real_join(self, 30)  # type: ignore[arg-type]

    monkeypatch.setattr(type(helper), "join", join)
    with pytest.raises(KeyboardInterrupt):
        batch_halves._join(helper, turns)
    assert stopped == [True] and not helper.is_alive()
