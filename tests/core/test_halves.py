"""Work split in two fixed halves (core.nn.halves) gives the same floats as the whole, to the
last bit, whether the halves run on two threads or one after the other.

The split threshold is lowered (``halves.SPLIT_WORK``) to force the split routes on small
inputs, on two threads; each result is compared with the whole route (one thread, or the
threshold out of reach), to the bit."""

from __future__ import annotations

import threading
import warnings
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import numpy as np
import pytest
from fixtures.forking import child_exit_code
from fixtures.random_scenarios import modern_scenario, random_scenario

from core.engine.chain import Chain
from core.engine.passes import Run, gradients, initial_layer_state, iteration_given
from core.engine.scenario import Scenario
from core.engine.stepper import Stepper
from core.engine.training import Trainer
from core.nn import halves
from core.nn.layers import spatial
from core.nn.layers.spatial import Geometry
from core.scenario.catalog import load
from core.scenario.load import parse_scenario

BUNDLED = ("tiny-cnn", "x-vs-o", "x-vs-o-padded", "xor-tanh", "two-layer-sigmoid", "digits", "momentum-steps",
           "residual-block", "batchnorm-tiny", "dropout-tiny", "adam-step", "digits-modern")
NEVER = 1 << 62  # a threshold no work reaches: the unsplit routes


@pytest.fixture(autouse=True)
def _restore() -> Iterator[None]:
    threshold, count = halves.SPLIT_WORK, halves.threads()
    yield
    halves.SPLIT_WORK = threshold
    halves.set_threads(count)


def _route(monkeypatch: pytest.MonkeyPatch, split: bool, threads: int) -> None:
    monkeypatch.setattr(halves, "SPLIT_WORK", 1 if split else NEVER)
    monkeypatch.setattr(spatial, "CHUNK_BYTES", 1 << 19)  # "chunked"'s 1.6 MB of columns in chunks
    halves.set_threads(threads)


# --- the two-worker pool --------------------------------------------------------------

def _note(ran: list[tuple[str, int]], name: str) -> None:
    ran.append((name, threading.get_ident()))


def _first(ran: list[tuple[str, int]], started: threading.Event, wait: float) -> None:
    started.wait(wait)  # (threaded: long enough for the worker to take the second half)
    _note(ran, "first")


def _second(ran: list[tuple[str, int]], started: threading.Event) -> None:
    started.set()
    _note(ran, "second")


def test_both_runs_each_half_once_the_second_on_the_worker_when_threaded() -> None:
    for count in (1, 2):
        halves.set_threads(count)
        ran: list[tuple[str, int]] = []
        started = threading.Event()
        halves.both(partial(_first, ran, started, 5 if count == 2 else 0), partial(_second, ran, started))
        assert sorted(name for name, _ in ran) == ["first", "second"]
        where = dict(ran)
        assert where["first"] == threading.get_ident()
        assert (where["second"] != threading.get_ident()) == (count == 2)


def test_a_second_half_the_worker_has_not_taken_runs_in_the_caller() -> None:
    halves.set_threads(2)
    ran: list[tuple[str, int]] = []
    for _ in range(200):  # quick halves: the caller often takes the second back; each runs once
        ran.clear()
        halves.both(partial(_note, ran, "first"), partial(_note, ran, "second"))
        assert sorted(name for name, _ in ran) == ["first", "second"]


def test_an_error_in_either_half_reaches_the_caller_and_the_worker_goes_on() -> None:
    halves.set_threads(2)

    def fail() -> None:
        raise ValueError("half")

    for first, second in ((fail, lambda: None), (lambda: None, fail)):
        with pytest.raises(ValueError, match="half"):
            halves.both(first, second)
    assert halves.pair(lambda: 1, lambda: 2) == (1, 2)


def test_the_workers_half_keeps_the_callers_numpy_error_state() -> None:
    halves.set_threads(2)
    big = np.array([1e300])
    with np.errstate(over="raise"), pytest.raises(FloatingPointError):
        halves.both(lambda: None, lambda: big * big)
    with np.errstate(over="ignore"), warnings.catch_warnings():
        warnings.simplefilter("error")
        halves.both(lambda: None, lambda: big * big)  # ignored there too: no warning


def test_halves_asked_for_inside_a_half_run_serially() -> None:
    halves.set_threads(2)
    inner: list[int] = []

    def nested() -> None:
        halves.both(lambda: inner.append(threading.get_ident()), lambda: inner.append(threading.get_ident()))

    halves.both(nested, nested)  # the worker is busy with one of them: no deadlock
    assert len(inner) == 4


def test_a_forked_child_starts_its_own_worker() -> None:
    halves.set_threads(2)
    halves.both(lambda: None, lambda: None)  # the parent's worker is running

    def child() -> bool:  # a split must not wait for the parent's thread
        done: list[int] = []
        halves.both(lambda: done.append(1), lambda: done.append(2))
        return sorted(done) == [1, 2]

    assert child_exit_code(child, "the forked child's split") == 0


def test_the_split_rule_depends_on_shapes_only(monkeypatch: pytest.MonkeyPatch) -> None:
    assert [halves.split_point(n) for n in (0, 1, 2, 7, 32)] == [0, 0, 1, 3, 16]
    assert [halves.split_point(n, 8) for n in (8, 15, 16, 33)] == [0, 0, 8, 16]
    monkeypatch.setattr(halves, "SPLIT_WORK", 10)
    halves.set_threads(2)
    assert not halves.split_work(19) and halves.split_work(20)
    halves.set_threads(1)  # one thread: the whole routes, nothing split
    assert not halves.split_work(1 << 40)
    with pytest.raises(ValueError):
        halves.set_threads(3)


# --- layers: split == whole, threaded == serial -----------------------------------------

def _net(tmp_path: Path, layers: str, shape: tuple[int, int, int], batch: int, extra: str = "") -> Path:
    """A scenario file of ``layers`` on random ``shape`` images, ``batch`` samples."""
    rng = np.random.default_rng(7)
    np.savez(tmp_path / "samples.npz", x=np.round(rng.random((batch, *shape)), 3),
             y=rng.integers(0, 3, batch).astype(np.uint8))
    path = tmp_path / "net.yaml"
    path.write_text(f"""format: 1
name: halves
input: {list(shape)}
samples: {{file: samples.npz}}
layers:
{layers}
  - {{name: flat, type: flatten}}
  - {{name: out, type: dense, units: 3, activation: softmax}}
loss: cross_entropy
learning_rate: 0.1
batch_size: {batch}
seed: 3
{extra}""", encoding="utf-8")
    return path


# conv forward's chunked route (few taps, large columns), its whole route and padding, the
# weight and input gradients side by side, tiled and overlapping max-pools; with batch norm
# over channels of 8,192 values or more (its channel-by-channel route)
NETWORKS = {
    "chunked": ("""  - {name: c1, type: conv2d, filters: 4, kernel: 3, activation: relu}
  - {name: p1, type: maxpool2d, size: 2}
  - {name: c2, type: conv2d, filters: 3, kernel: 3, activation: tanh}""", (1, 28, 28), 32),
    "whole": ("""  - {name: c1, type: conv2d, filters: 6, kernel: 5, padding: 1, activation: relu}
  - {name: p1, type: maxpool2d, size: 3, stride: 2}
  - {name: c2, type: conv2d, filters: 5, kernel: 3, activation: sigmoid}
  - {name: p2, type: maxpool2d, size: 2}""", (3, 16, 16), 6),
    "batchnorm": ("""  - {name: c1, type: conv2d, filters: 4, kernel: 3}
  - {name: b1, type: batchnorm2d, activation: relu}
  - {name: p1, type: maxpool2d, size: 2}""", (1, 30, 30), 12),
}


def _results(scenario: Scenario, rows: slice = slice(None)) -> list[bytes]:
    """Loss, output and every gradient of one iteration on ``rows`` of the samples, as bytes."""
    x, y = scenario.samples.x[rows], scenario.samples.y[rows]
    network = scenario.network
    run = Run(state=initial_layer_state(network), given=iteration_given(network, 1, 1, len(x), {}))
    loss, grads, out = gradients(network, scenario.params, x, y, run=run)
    return [np.float64(loss).tobytes(), out.tobytes()] + [g.tobytes() for ps in grads.values() for g in ps.values()]


def _gradients(path: Path) -> list[bytes]:
    return _results(load(str(path)))


@pytest.mark.parametrize("name", sorted(NETWORKS))
def test_split_layers_give_the_whole_routes_floats(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    layers, shape, batch = NETWORKS[name]
    path = _net(tmp_path, layers, shape, batch)
    _route(monkeypatch, split=False, threads=1)
    whole = _gradients(path)
    for threads in (1, 2):
        _route(monkeypatch, split=True, threads=threads)
        assert _gradients(path) == whole, f"{name} on {threads} thread(s)"


def test_the_chain_plan_and_the_stepper_agree_on_the_split_routes(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    layers, shape, batch = NETWORKS["chunked"]
    path = _net(tmp_path, layers, shape, batch)
    _route(monkeypatch, split=True, threads=2)
    scenario = load(str(path))
    network, params = scenario.network, scenario.params
    into = {lay: {k: np.empty_like(v) for k, v in ps.items()} for lay, ps in params.items() if ps}
    loss, out = Chain(network, params, into).gradients(scenario.samples.x, scenario.samples.y)
    stepper = Stepper(scenario)
    stepper.run_iteration()
    assert stepper.value("loss") == loss
    assert stepper.array("out.out").tobytes() == out.tobytes()
    for lay, ps in into.items():
        for k, g in ps.items():
            assert stepper.array(f"{lay}.grad_{k}").tobytes() == g.tobytes(), f"{lay}.{k}"
    trainer = Trainer(scenario)
    trainer.step()
    for lay, ps in trainer.params.items():
        for k, v in ps.items():
            assert stepper.array(f"{lay}.new_{k}").tobytes() == v.tobytes(), f"{lay}.new_{k}"


@pytest.mark.parametrize("name", BUNDLED)
def test_bundled_scenarios_keep_their_numbers_on_the_split_routes(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    scenario = load(name)
    _route(monkeypatch, split=False, threads=1)
    whole = _results(scenario, slice(0, 8))
    _route(monkeypatch, split=True, threads=2)
    assert _results(scenario, slice(0, 8)) == whole


@pytest.mark.parametrize("seed", range(8))
def test_random_scenarios_keep_their_numbers_on_the_split_routes(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    for text in (random_scenario(seed), modern_scenario(seed)):
        scenario = parse_scenario(text)
        _route(monkeypatch, split=False, threads=1)
        whole = _results(scenario)
        _route(monkeypatch, split=True, threads=2)
        assert _results(scenario) == whole, f"seed {seed}"


def test_a_product_split_at_the_real_threshold_is_the_whole_products_floats() -> None:
    """``Geometry.columns_product``'s claim: halves past SPLIT_WORK, cut at a multiple of 8
    columns, give each column the float of the one product (OpenBLAS's kernel choice)."""
    rng = np.random.default_rng(11)
    halves.set_threads(2)
    checked = 0
    for _ in range(16):
        channels, size, kernel = int(rng.integers(1, 7)), int(rng.integers(9, 20)), int(rng.choice([3, 5]))
        batch, filters = int(rng.integers(16, 41)), int(rng.integers(8, 33))
        g = Geometry((channels, size, size), (kernel, kernel), (1, 1), (0, 0))
        x = rng.standard_normal((batch, channels, size, size))
        weights = rng.standard_normal((filters, channels * kernel * kernel))
        net, cols = g.columns_product(weights, x)
        assert cols.tobytes() == g.columns(x).tobytes()
        assert net.tobytes() == (weights @ g.columns(x)).tobytes(), (channels, size, kernel, batch, filters)
        checked += halves.split_work(filters * weights.shape[1] * batch * g.table.positions)
    assert checked >= 8  # enough of these shapes took the split route


def test_an_input_gradient_split_at_the_real_threshold_is_the_whole_ones_floats() -> None:
    """``Geometry.input_grad_cut``'s claim: two sample halves of ``add_products`` give the
    whole batch's floats, where both halves' products take the whole's OpenBLAS kernel."""
    rng = np.random.default_rng(12)
    halves.set_threads(2)
    checked = 0
    for _ in range(24):
        channels, size, kernel = int(rng.integers(2, 9)), int(rng.integers(8, 18)), int(rng.choice([3, 5]))
        batch, filters = 8 * int(rng.integers(2, 9)), int(rng.integers(4, 40))
        g = Geometry((channels, size, size), (kernel, kernel), (1, 1), (0, 0))
        shape = (batch, channels, size, size)
        upstream = rng.standard_normal((batch, filters, *g.out_spatial))
        weights = rng.standard_normal((filters, channels * kernel * kernel))
        cut = g.input_grad_cut(filters, batch)
        if not cut:
            continue
        rows = upstream.reshape(batch, filters, -1).transpose(1, 2, 0).reshape(filters, -1)
        whole = g.add_products(weights, rows, shape)
        assert g.add_products_in_halves(weights, upstream, shape, cut).tobytes() == whole.tobytes(), \
            (channels, size, kernel, batch, filters)
        checked += 1
    assert checked >= 8  # enough of these shapes took the split route
