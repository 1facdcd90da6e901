"""What many values' formulas share is worked out once (Writer.once): batch norm's channel
sums, which every input gradient of the channel shows. A report of every value then costs
the values, not the values times the channel (digits-modern's text solve: hours → minutes),
and each derivation reads exactly as when it is explained alone."""

from __future__ import annotations

import pytest

from core.engine.quantities import parse_name
from core.engine.stepper import Stepper
from core.explain.explainer import _explain, _Shared, explain, explainer_of
from core.exports.report import _element_names
from core.scenario.catalog import load


def _bn_inputs_gradients(stepper: Stepper) -> list[str]:
    network = stepper.network
    names = []
    for layer in network.layers:
        if layer.state_defaults:  # batch norm: its inputs' gradients show its channel sums
            names += [n for src in network.inputs_of(layer.name) if src != "input"
                      for n in _element_names(stepper, f"{src}.grad_out")]
    return names


@pytest.mark.parametrize("max_terms", [None, 2])
def test_a_channel_s_input_gradients_read_as_when_each_is_explained_alone(max_terms: int | None) -> None:
    stepper = Stepper(load("batchnorm-tiny"))
    stepper.run_iteration()
    names = _bn_inputs_gradients(stepper)
    assert len(names) >= 8
    shared = _Shared(stepper, 3)  # one report's context: the channel sums made for the first value
    for name in names:
        together = _explain(shared, parse_name(name), max_terms)
        alone = explain(stepper, name, 3, max_terms)
        assert together == alone, name
        assert sum(note.startswith("Σ∂") for note in together.notes) == 2
        assert together.hidden == (0 if max_terms is None else 4 - max_terms)  # N = 4 a channel


def test_the_channel_sums_are_made_once_a_channel() -> None:
    stepper = Stepper(load("batchnorm-tiny"))
    stepper.run_iteration()
    layer = next(layer for layer in stepper.network.layers if layer.state_defaults)
    made = []
    original = type(layer)._channel_sums

    def counted(self, cache, c, w):  # type: ignore[no-untyped-def]
        made.append(c)
        return original(self, cache, c, w)

    type(layer)._channel_sums = counted  # type: ignore[method-assign]
    try:
        shared = explainer_of(stepper, 3)
        for name in _bn_inputs_gradients(stepper):
            shared(parse_name(name))
    finally:
        type(layer)._channel_sums = original  # type: ignore[method-assign]
    channels = layer.in_shape[0]
    assert sorted(set(made)) == list(range(channels))
    assert len(made) <= 2 * channels  # once a channel (and once more where a retry takes more digits)
