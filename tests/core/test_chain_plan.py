"""Training's plan for a chain of layers (core/engine/chain.py) gives ``gradients``'s numbers to the
last bit: the same loss, output and every parameter's gradient, batch after batch."""

from __future__ import annotations

import numpy as np
import pytest

from core.engine.chain import Chain
from core.engine.passes import gradients
from core.scenario.catalog import load

CHAINS = ("tiny-cnn", "x-vs-o", "x-vs-o-padded", "xor-tanh", "two-layer-sigmoid", "digits", "momentum-steps")


@pytest.mark.parametrize("name", CHAINS)
def test_the_chain_plan_matches_gradients_bit_for_bit(name: str) -> None:
    scenario = load(name)
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
        assert chain_loss == loss
        assert chain_out.tobytes() == out.tobytes()
        for lay, ps in grads.items():
            for k, g in ps.items():
                assert into[lay][k].tobytes() == g.tobytes(), f"{name}: {lay}.{k}"


@pytest.mark.parametrize("name", ["residual-block", "batchnorm-tiny", "dropout-tiny"])
def test_graphs_and_layers_with_state_or_given_arrays_are_no_chain(name: str) -> None:
    assert not Chain.fits(load(name).network)
