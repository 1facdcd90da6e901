"""Work handed on to the worker thread and joined later (``core.nn.halves.later``): a conv
layer's large weight gradient runs there beside the rest of the backward pass, and training
makes the same floats to the last bit with the hand-over on or off.

No timing is asserted: where a test needs the worker to have run a job, the job itself says
when it started (an event the test waits for), so a loaded machine only makes it slower."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest
from fixtures.forking import child_exit_code

import core.engine.chain as chain_module
import core.engine.passes as passes_module
from core.engine.chain import Chain
from core.engine.training import Trainer
from core.nn import halves
from core.scenario.catalog import load

WAIT = 60.0  # seconds a test waits at most for the worker to start a job (a hung test ends)


@pytest.fixture(autouse=True)
def _restore() -> Iterator[None]:
    threshold, count, on = halves.SPLIT_WORK, halves.threads(), halves.later_on()
    yield
    halves.SPLIT_WORK = threshold
    halves.set_threads(count)
    halves.set_later_on(on)


# --- the hand-over itself ---------------------------------------------------------------

def _started(ran: list[int], started: threading.Event, then: Callable[[], object] = lambda: None
             ) -> Callable[[], None]:
    def job() -> None:
        ran.append(threading.get_ident())
        started.set()
        then()
    return job


def test_a_job_runs_on_the_worker_and_the_wait_returns_after_it() -> None:
    halves.set_later_on(True)
    ran: list[int] = []
    started, go_on, ended = threading.Event(), threading.Event(), []
    pending = halves.later(_started(ran, started, lambda: (go_on.wait(WAIT), ended.append(1))))
    assert started.wait(WAIT)
    assert ran == [ran[0]] and ran[0] != threading.get_ident()  # the worker's thread
    go_on.set()
    pending.wait()
    assert ended == [1]  # the wait returned after the job's end
    pending.wait()  # a second wait returns at once


def test_with_the_hand_over_off_the_job_runs_at_once_in_the_caller() -> None:
    halves.set_later_on(False)
    ran: list[int] = []
    pending = halves.later(_started(ran, threading.Event()))
    assert ran == [threading.get_ident()]  # before the wait
    pending.wait()
    assert len(ran) == 1


def test_a_job_the_worker_has_not_started_is_claimed_back_by_the_wait() -> None:
    worker = halves._Worker(start=False)  # its thread never takes anything
    ran: list[int] = []
    pending = worker.later(_started(ran, threading.Event()))
    assert pending is not None and ran == []
    pending.wait()
    assert ran == [threading.get_ident()]
    again = worker.later(_started(ran, threading.Event()))  # the worker is free again
    assert again is not None
    again.wait()
    assert ran == [threading.get_ident()] * 2

    def fail() -> None:
        raise ValueError("claimed back")

    failing = worker.later(fail)
    assert failing is not None
    with pytest.raises(ValueError, match="claimed back"):
        failing.wait()
    assert worker.later(lambda: None) is not None  # still free after the error


def test_an_error_on_the_worker_is_raised_at_the_wait_and_the_worker_goes_on() -> None:
    halves.set_later_on(True)
    ran: list[int] = []
    started = threading.Event()

    def fail() -> None:
        raise ValueError("on the worker")

    pending = halves.later(_started(ran, started, fail))
    assert started.wait(WAIT)
    with pytest.raises(ValueError, match="on the worker"):
        pending.wait()
    assert ran[0] != threading.get_ident()
    again, started_again = [], threading.Event()
    halves.later(_started(again, started_again)).wait()
    assert len(again) == 1


def test_the_worker_runs_a_job_in_the_callers_numpy_error_state() -> None:
    halves.set_later_on(True)
    big = np.array([1e300])
    ran: list[int] = []
    started = threading.Event()
    with np.errstate(over="raise"):
        pending = halves.later(_started(ran, started, lambda: big * big))
    assert started.wait(WAIT)
    with pytest.raises(FloatingPointError):
        pending.wait()  # (outside the errstate block: the error state is the hand-over's)
    assert ran[0] != threading.get_ident()


def test_a_job_asked_for_while_the_worker_is_busy_runs_in_the_caller() -> None:
    halves.set_later_on(True)
    halves.set_threads(2)
    ran: list[int] = []
    started, go_on = threading.Event(), threading.Event()
    busy = halves.later(_started(ran, started, lambda: go_on.wait(WAIT)))
    assert started.wait(WAIT)  # the worker is running the first job
    second: list[int] = []
    halves.later(_started(second, threading.Event())).wait()
    assert second == [threading.get_ident()]  # run at once, here
    halves_ran: list[int] = []
    halves.both(lambda: halves_ran.append(threading.get_ident()), lambda: halves_ran.append(threading.get_ident()))
    assert halves_ran == [threading.get_ident()] * 2  # halves too, one after the other
    go_on.set()
    busy.wait()
    assert ran[0] != threading.get_ident()


def test_a_job_asked_for_inside_halves_or_a_job_runs_where_it_is_asked() -> None:
    halves.set_later_on(True)
    halves.set_threads(2)
    inner: list[int] = []

    def nested() -> None:
        halves.later(lambda: inner.append(threading.get_ident())).wait()

    halves.both(nested, nested)  # no deadlock whichever thread ran which half
    assert len(inner) == 2
    started = threading.Event()
    outer: list[int] = []
    pending = halves.later(_started(outer, started, nested))
    assert started.wait(WAIT)
    pending.wait()
    assert len(inner) == 3 and inner[-1] == outer[0]  # run by the worker, in its job


def test_a_forked_child_hands_jobs_to_its_own_worker() -> None:
    halves.set_later_on(True)
    started = threading.Event()
    halves.later(_started([], started)).wait()  # the parent's worker is running

    def child() -> bool:  # a job must not wait for the parent's thread
        done: list[int] = []
        halves.later(lambda: done.append(1)).wait()
        return done == [1]

    assert child_exit_code(child, "the forked child's job") == 0


def test_the_hand_over_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(halves, "SPLIT_WORK", 10)
    halves.set_later_on(True)
    assert not halves.hand_on(19) and halves.hand_on(20)
    halves.set_later_on(False)
    assert not halves.hand_on(1 << 40)
    monkeypatch.setattr(halves, "_later", None)
    monkeypatch.setenv("CNN_TUI_LATER", "0")
    assert not halves.later_on()
    monkeypatch.setattr(halves, "_later", None)
    monkeypatch.delenv("CNN_TUI_LATER")
    assert halves.later_on() == (halves.cpus() >= 2)


# --- training: the same floats with the hand-over on and off ----------------------------

LENET = """format: 1
name: later-{name}
input: [1, 28, 28]
samples: {{file: samples.npz}}
layers:
{convs}
  - {{name: flat, type: flatten}}
  - {{name: f1, type: dense, units: 24, activation: relu}}
  - {{name: out, type: dense, units: 10, activation: softmax}}
loss: cross_entropy
{optimizer}
batch_size: 32
seed: 5
init: he
"""
PLAIN = """  - {name: c1, type: conv2d, filters: 6, kernel: 5, activation: relu}
  - {name: p1, type: maxpool2d, size: 2}
  - {name: c2, type: conv2d, filters: 16, kernel: 5, activation: relu}
  - {name: p2, type: maxpool2d, size: 2}"""
BATCHNORM = """  - {name: c1, type: conv2d, filters: 6, kernel: 5}
  - {name: b1, type: batchnorm2d, activation: relu}
  - {name: p1, type: maxpool2d, size: 2}
  - {name: c2, type: conv2d, filters: 16, kernel: 5}
  - {name: b2, type: batchnorm2d, activation: relu}
  - {name: p2, type: maxpool2d, size: 2}"""
NETS = {"lenet": (PLAIN, "learning_rate: 0.05"), "bn-adam": (BATCHNORM, "optimizer: {type: adam}\nlearning_rate: 0.01")}


def _scenario_path(tmp_path: Path, name: str) -> Path:
    rng = np.random.default_rng(9)
    np.savez(tmp_path / "samples.npz", x=np.round(rng.random((64, 1, 28, 28)), 3),
             y=rng.integers(0, 10, 64).astype(np.uint8))
    convs, optimizer = NETS[name]
    path = tmp_path / f"{name}.yaml"
    path.write_text(LENET.format(name=name, convs=convs, optimizer=optimizer), encoding="utf-8")
    return path


def _patient(monkeypatch: pytest.MonkeyPatch, ran: list[int]) -> None:
    """``later`` in the passes waits until the worker has started each job it hands on (so
    the worker does run them, whatever the machine's load), then goes on beside it."""
    real = halves.later

    def later(work: Callable[[], object]) -> halves.Pending:
        started = threading.Event()

        def job() -> None:
            ran.append(threading.get_ident())
            started.set()
            work()

        pending = real(job)
        assert started.wait(WAIT)
        return pending

    monkeypatch.setattr(chain_module, "later", later)
    monkeypatch.setattr(passes_module, "later", later)


def _trained(path: Path, steps: int = 3) -> tuple[list[bytes], bool]:
    """Every parameter's bytes after ``steps`` iterations, and whether the trainer ran the Chain plan."""
    trainer = Trainer(load(str(path)))
    losses = [np.float64(trainer.step()).tobytes() for _ in range(steps)]
    theta = [a.tobytes() for ps in trainer.params.values() for a in ps.values()]
    return losses + theta, trainer._chain is not None


@pytest.mark.parametrize("name", sorted(NETS))
def test_training_makes_the_same_floats_with_the_hand_over_on_and_off(
        name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _scenario_path(tmp_path, name)
    halves.set_threads(1)
    halves.set_later_on(False)
    serial, chained = _trained(path)
    assert chained == (name == "lenet")  # the Chain plan for the plain net, the passes for batch norm
    halves.set_later_on(True)
    assert _trained(path) == (serial, chained)
    ran: list[int] = []
    _patient(monkeypatch, ran)
    assert _trained(path) == (serial, chained)  # every job on the worker
    assert ran and all(t != threading.get_ident() for t in ran)
    assert len(ran) == 3  # c2's, each step (c1's is the backward pass's last work: nothing to overlap)
    halves.set_threads(2)  # with the halves on two threads too
    assert _trained(path) == (serial, chained)


def test_the_chain_plan_hands_on_what_the_passes_hand_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _scenario_path(tmp_path, "lenet")
    scenario = load(str(path))
    network, params = scenario.network, scenario.params
    x, y = scenario.samples.x[:32], scenario.samples.y[:32]
    halves.set_later_on(False)
    into = {lay: {k: np.empty_like(v) for k, v in ps.items()} for lay, ps in params.items() if ps}
    loss, out = Chain(network, params, into).gradients(x, y)
    halves.set_later_on(True)
    ran: list[int] = []
    _patient(monkeypatch, ran)
    again = {lay: {k: np.empty_like(v) for k, v in ps.items()} for lay, ps in params.items() if ps}
    assert Chain(network, params, again).gradients(x, y)[0] == loss
    passes_loss, grads, passes_out = passes_module.gradients(network, params, x, y)
    assert len(ran) == 2 and passes_loss == loss and passes_out.tobytes() == out.tobytes()
    for lay, ps in into.items():
        for k, g in ps.items():
            assert again[lay][k].tobytes() == g.tobytes() == grads[lay][k].tobytes(), f"{lay}.{k}"
    assert list(grads) == [layer.name for layer in reversed(network.layers) if layer.name in params]
