"""What the fast training path hands out never changes afterwards, and its shortcuts give
the textbook numbers in the textbook memory layout.

Training writes its parameters, gradients and optimizer state in place (one flat vector
each) and a linear layer's δ may be its ∂E/∂out itself; none of that may leak into an
array someone else holds: the trainer's ``params``, ``optimizer_state`` and
``layer_state``, or the values a stepper keeps for an iteration it has done. A δ must
also keep the memory layout of the plain product: NumPy's sums run in memory order, so a
layout change would move the last bits of every later sum (the solve JSON and the torch
agreement depend on them).
"""

from __future__ import annotations

import platform

import numpy as np
import pytest

from core.engine import training
from core.engine.heap import keep_freed_memory
from core.engine.passes import EVALUATION, _forward, predict
from core.engine.stepper import Stepper
from core.engine.training import Trainer, evaluation_chunk
from core.nn.activations import get_activation
from core.scenario.catalog import load


def _snapshot(trainer: Trainer) -> tuple[dict, dict, dict]:
    """What the trainer hands out, and a deep copy of it to compare with later."""
    handed = (trainer.params, dict(trainer.optimizer_state.buffers), trainer.layer_state)
    return handed, _copy(handed)


def _copy(handed):
    params, buffers, state = handed
    return ({lay: {k: a.copy() for k, a in ps.items()} for lay, ps in params.items()},
            {k: a.copy() for k, a in buffers.items()},
            {lay: {k: a.copy() for k, a in ks.items()} for lay, ks in state.items()})


def _assert_unchanged(handed, copied) -> None:
    for lay, ps in handed[0].items():
        for k, a in ps.items():
            assert a.tobytes() == copied[0][lay][k].tobytes(), f"{lay}.{k} changed after it was handed out"
    for k, a in handed[1].items():
        assert a.tobytes() == copied[1][k].tobytes(), f"optimizer state {k} changed after it was handed out"
    for lay, ks in handed[2].items():
        for k, a in ks.items():
            assert a.tobytes() == copied[2][lay][k].tobytes(), f"{lay}.{k} changed after it was handed out"


@pytest.mark.parametrize("name", ["tiny-cnn", "digits-modern", "dropout-tiny", "momentum-steps", "residual-block"])
def test_what_a_trainer_hands_out_never_changes(name: str) -> None:
    scenario = load(name)
    scenario.batch_size = min(scenario.batch_size, 4)  # small and quick: the same code paths
    trainer = Trainer(scenario)
    taken = []
    for _ in range(4):
        taken.append(_snapshot(trainer))
        trainer.step()
        trainer.held_out()  # evaluation reads the live parameters: it must not write them
    for handed, copied in taken:
        _assert_unchanged(handed, copied)
    # and the parameters did move: the snapshots above are of different states
    assert any(not np.array_equal(a, taken[0][1][0][lay][k])
               for lay, ps in trainer.params.items() for k, a in ps.items())


@pytest.mark.parametrize("name", ["residual-block", "batchnorm-tiny", "digits-modern"])
def test_a_steppers_values_of_an_iteration_survive_the_next(name: str) -> None:
    """Linear layers (residual-block, batchnorm-tiny) share δ with ∂E/∂out; the next
    iteration must leave every value of the last one as it was."""
    stepper = Stepper(load(name))
    stepper.run_iteration()
    before = stepper.state.values
    copies = {key: np.array(value, copy=True) for key, value in before.items()}
    stepper.run_iteration()
    stepper.run_iteration()
    for key, value in before.items():
        assert np.asarray(value).tobytes() == copies[key].tobytes(), f"{key} changed in a later iteration"


LAYOUTS = {
    "batch-major": lambda a: a,
    "channel-major": lambda a: np.ascontiguousarray(a.swapaxes(0, 1)).swapaxes(0, 1),
    "batch-innermost": lambda a: np.ascontiguousarray(a.transpose(1, 2, 3, 0)).transpose(3, 0, 1, 2),
}


@pytest.mark.parametrize("g_layout", sorted(LAYOUTS))
@pytest.mark.parametrize("z_layout", sorted(LAYOUTS))
@pytest.mark.parametrize("name", ["relu", "linear"])
def test_fast_deltas_are_the_plain_product(name: str, z_layout: str, g_layout: str) -> None:
    """δ = ∂E/∂a·f′ through the activation's short form: the same floats (signed zeros
    included) in the same memory layout as the plain product, for every pairing of layouts."""
    rng = np.random.default_rng(5)
    z = LAYOUTS[z_layout](rng.standard_normal((3, 4, 5, 6)))
    z[0, 0, 0, :3] = 0.0  # relu's kink: f′(0) = 0
    g = LAYOUTS[g_layout](rng.standard_normal((3, 4, 5, 6)))
    act = get_activation(name)
    a = act.forward(z)
    plain = g * act.derivative(z, a)
    fast = act.delta(z, a, g)
    assert fast.tobytes() == plain.tobytes()  # every bit, in memory order
    assert fast.strides == plain.strides
    assert np.array_equal(np.signbit(fast), np.signbit(plain))


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="the setting is glibc's")
def test_the_heap_keeps_freed_memory_on_glibc() -> None:
    assert keep_freed_memory() is True
    assert keep_freed_memory() is True  # once per process; asking again changes nothing


@pytest.mark.parametrize("name", ["tiny-cnn", "digits", "digits-modern", "residual-block", "x-vs-o-padded"])
def test_evaluation_gives_the_forward_passs_numbers(name: str) -> None:
    """``predict`` (held-out evaluation, which skips what only a backward pass reads) and
    the full forward pass give the same output, bit for bit."""
    scenario = load(name)
    x = scenario.samples.x[:64]
    want = _forward(scenario.network, scenario.params, x, EVALUATION)[0][-1]
    got = predict(scenario.network, scenario.params, x)
    assert got.tobytes() == want.tobytes()


def test_evaluation_chunks_fit_the_network(monkeypatch) -> None:
    """Bundled networks evaluate 512 samples at once; a big conv layer gets smaller chunks
    (its window columns fit EVAL_VALUES), and chunks change no accuracy."""
    assert evaluation_chunk(load("digits").network) == training.EVAL_CHUNK == 512
    scenario = load("digits")
    conv = scenario.network.layers[0]
    assert conv.work_per_sample() == 8 * 64 + 9 * 64  # its output and its columns
    whole = training.evaluate(scenario, scenario.params, scenario.samples)
    monkeypatch.setattr(training, "EVAL_VALUES", 100 * conv.work_per_sample())
    assert evaluation_chunk(scenario.network) == 64  # 512 halved until 64·work ≤ 100·work
    chunked = training.evaluate(scenario, scenario.params, scenario.samples)
    assert chunked[1] == whole[1]
    assert chunked[0] == pytest.approx(whole[0], rel=1e-12)
