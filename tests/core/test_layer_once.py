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


def test_the_shared_parts_start_afresh_past_their_bytes_and_read_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    """layer_once is bounded by the text it holds (MAX_ONCE_BYTES): past it, the parts are
    made again, and every derivation reads as before."""
    from core.explain import explainer as module

    stepper = Stepper(load("batchnorm-tiny"))
    stepper.run_iteration()
    names = _bn_inputs_gradients(stepper)
    shared = _Shared(stepper, 3)
    held = [_explain(shared, parse_name(name), None) for name in names]
    # every channel's two sums written out: "Σ∂E/∂x̂ = …" of 4 terms, more than 200 bytes
    assert shared.once_bytes > 200 * len({name.split("[")[0] for name in names})
    monkeypatch.setattr(module, "MAX_ONCE_BYTES", 0)
    bounded = _Shared(stepper, 3)
    assert [_explain(bounded, parse_name(name), None) for name in names] == held
    assert len(bounded.layer_once) <= 1  # (started afresh before each new part)


def test_text_bytes_counts_the_texts_inside() -> None:
    from core.explain.explainer import text_bytes
    from core.nn.layers.terms import Formula

    formula = Formula("a·b", "x" * 1000, ("note",))
    assert 1500 < text_bytes((formula, 2.0, {"k": "v" * 500})) < 2500  # 1,512 characters and their holders
    assert text_bytes("y" * 10_000) >= 10_000
