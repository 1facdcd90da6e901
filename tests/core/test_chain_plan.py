"""Training's plan for a chain of layers (core/engine/chain.py) gives ``gradients``'s numbers to the
last bit: the same loss, output and every parameter's gradient, batch after batch."""

from __future__ import annotations

from functools import partial

import numpy as np
import pytest

import core.engine.chain as chain_module
from core.engine.chain import Chain
from core.engine.passes import gradients
from core.scenario.catalog import load

CHAINS = ("tiny-cnn", "x-vs-o", "x-vs-o-padded", "xor-tanh", "two-layer-sigmoid", "digits", "momentum-steps")


@pytest.mark.parametrize("how", ["written", "looped", "handed on"])
@pytest.mark.parametrize("name", CHAINS)
def test_the_chain_plan_matches_gradients_bit_for_bit(name: str, how: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each way the plan runs a pass: written out as one function, as a loop (a chain longer
    than WRITTEN_LAYERS), and with every weight gradient but the first layer's handed on."""
    if how == "looped":
        monkeypatch.setattr(chain_module, "WRITTEN_LAYERS", 0)
    scenario = load(name)
    if how == "handed on":
        for layer in scenario.network.layers:
            monkeypatch.setattr(layer, "param_grads_can_wait", lambda batch: True)
    network = scenario.network
    assert Chain.fits(network)
    params = scenario.params
    into = {lay: {k: np.empty_like(v) for k, v in ps.items()} for lay, ps in params.items() if ps}
    chain = Chain(network, params, into)
    samples = scenario.samples
    last = len(samples) - 1
    for rows in (slice(0, 4), slice(last, last + 1)):  # two batches into the same arrays
        x, y = samples.x[rows], samples.y[rows]
        loss, grads, out = gradients(network, params, x, y)
        chain_loss, chain_out = chain.gradients(x, y)
        run = chain._runs[x.shape[0]]
        assert isinstance(run, partial) == (how == "looped")
        assert chain_loss == loss
        assert chain_out.tobytes() == out.tobytes()
        for lay, ps in grads.items():
            for k, g in ps.items():
                assert into[lay][k].tobytes() == g.tobytes(), f"{name}: {lay}.{k}"


@pytest.mark.parametrize("name", ["residual-block", "batchnorm-tiny", "dropout-tiny"])
def test_graphs_and_layers_with_state_or_given_arrays_are_no_chain(name: str) -> None:
    assert not Chain.fits(load(name).network)


def test_the_written_pass_hands_on_and_joins_only_what_waits() -> None:
    """The source names only positions, and a try/finally joins what was handed on."""
    from core.engine.chain_code import BackwardStep, pass_source

    plain = pass_source(2, [BackwardStep(1, True, True, False), BackwardStep(0, True, True, False)])
    assert "later" not in plain and "finally" not in plain
    assert "p1(a0, d, c1, i1)" in plain and "g = g1(o1, a0, d, c1)" in plain and "p0(x, d, c0, i0)" in plain
    handed = pass_source(3, [BackwardStep(2, True, True, False), BackwardStep(1, False, False, False),
                             BackwardStep(0, True, True, True)])
    assert "pending.append(later(w0(x, d, c0, i0)[1]))" in handed and "job.wait()" in handed
    assert "g = g1(o1, a0, g, c1)" in handed  # no δ of its own: ∂E/∂out passes through
