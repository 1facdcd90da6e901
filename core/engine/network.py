"""The layers as a graph listed in order, with its shapes inferred, plus the loss.

Each layer reads the outputs of earlier layers (or the sample, ``input``): by default the
layer before it. ``build_network`` turns validated layer specs into layers, checking that
every layer reads only earlier ones, that what it reads fits it, and that every output but
the last is read by some layer; a fault is a ScenarioError naming the layer's field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from core.engine.quantities import PREVIOUS
from core.errors import ScenarioError
from core.i18n import mark, tr, tr_n
from core.nn.layers import LAYER_CLASSES, Layer, layer_class, shape_text
from core.nn.losses import Fused, Loss, get_loss
from core.text import quote

__all__ = ["INPUT", "Network", "build_layer", "build_network", "shape_text"]

INPUT = "input"  # what a layer names in ``inputs`` to read the sample itself


@dataclass
class Network:
    """Layers in order from input to output, the per-sample input shape and the loss.

    ``sources`` gives, per layer name, the names it reads (``input`` for the sample); a
    layer left out reads the layer before it. The order of ``layers`` is a topological
    order: every layer reads only earlier ones, and the last one feeds the loss.
    """

    input_shape: tuple[int, ...]
    layers: list[Layer]
    loss: Loss
    optimizer_kinds: tuple[str, ...] = ()  # the state the optimizer keeps per parameter (torch's names)
    sources: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def inputs_of(self, name: str) -> tuple[str, ...]:
        """The names layer ``name`` reads, in order: layer names, or ``input``."""
        given = self.sources.get(name)
        if given is not None:
            return given
        i = self.index_of(name)
        return (INPUT,) if i == 0 else (self.layers[i - 1].name,)

    def input_keys(self, name: str) -> list[str]:
        """The stored arrays layer ``name`` reads: ``input`` or ``LAYER.out``."""
        return [src if src == INPUT else f"{src}.out" for src in self.inputs_of(name)]

    def reads_previous(self, name: str) -> bool:
        """Does the layer read just the one before it (or, the first, the sample)?"""
        i = self.index_of(name)
        return self.inputs_of(name) == ((INPUT,) if i == 0 else (self.layers[i - 1].name,))

    @cached_property
    def _readers(self) -> dict[str, tuple[tuple[str, int], ...]]:
        found: dict[str, list[tuple[str, int]]] = {layer.name: [] for layer in self.layers}
        for layer in self.layers:
            for position, src in enumerate(self.inputs_of(layer.name)):
                if src != INPUT:
                    found[src].append((layer.name, position))
        return {name: tuple(readers) for name, readers in found.items()}

    def readers_of(self, name: str) -> tuple[tuple[str, int], ...]:
        """(reader, position in its inputs) of every layer that reads ``name``'s output, in
        file order; ∂E/∂out of ``name`` is the sum of what each of them sends back."""
        return self._readers[name]

    @cached_property
    def plan(self) -> tuple[tuple[int, ...], ...]:
        """Per layer, the positions of what it reads (−1 for the sample): the graph as
        indices, so the training loop does no name lookups."""
        return tuple(tuple(-1 if src == INPUT else self.index_of(src) for src in self.inputs_of(layer.name))
                     for layer in self.layers)

    @cached_property
    def with_net(self) -> tuple[bool, ...]:
        """Per layer, does it have a net and a δ (what it passes back from)?"""
        return tuple(layer.has_net for layer in self.layers)

    def downstream_of(self, name: str) -> set[str]:
        """``name`` and every layer that depends on its output, directly or through others."""
        found = {name}
        for layer in self.layers[self.index_of(name) + 1:]:
            if any(src in found for src in self.inputs_of(layer.name)):
                found.add(layer.name)
        return found

    @property
    def output_shape(self) -> tuple[int, ...]:
        return self.layers[-1].out_shape

    @property
    def output_size(self) -> int:
        return int(np.prod(self.output_shape))

    def layer(self, name: str) -> Layer:
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise KeyError(name)

    def index_of(self, name: str) -> int:
        return self._index[name]

    @cached_property
    def _index(self) -> dict[str, int]:
        return {layer.name: i for i, layer in enumerate(self.layers)}

    def param_layers(self) -> list[Layer]:
        return [layer for layer in self.layers if layer.has_params]

    def state_kinds_of(self, layer: Layer) -> tuple[str, ...]:
        """The optimizer-state kinds ``layer`` has, e.g. ``momentum_buffer_weight``: one per
        kind the optimizer keeps and parameter that is not frozen (contract §6.1)."""
        return tuple(f"{kind}_{p}" for kind in self.optimizer_kinds for p in layer.param_names
                     if p not in layer.frozen)

    def start_state_kinds_of(self, layer: Layer) -> tuple[str, ...]:
        """The state kinds ``layer``'s update starts from, e.g. ``prev_momentum_buffer_weight``."""
        return tuple(PREVIOUS + kind for kind in self.state_kinds_of(layer))

    def kinds(self, layer: Layer) -> tuple[str, ...]:
        """Every quantity kind of ``layer``: its own, and the optimizer state it starts from and keeps."""
        return layer.kinds + self.start_state_kinds_of(layer) + self.state_kinds_of(layer)

    def state_kinds(self) -> tuple[str, ...]:
        """Every optimizer-state kind any layer may have (``momentum_buffer_weight`` …)."""
        return tuple(f"{kind}_{p}" for kind in self.optimizer_kinds for p in ("weight", "bias"))

    def state_names(self) -> list[str]:
        """The optimizer state's array names, layer by layer (``fc.momentum_buffer_weight`` …)."""
        return [f"{layer.name}.{kind}" for layer in self.param_layers() for kind in self.state_kinds_of(layer)]

    @cached_property
    def fused(self) -> Fused | None:
        """The loss's fused form on the last layer's activation (cross-entropy on softmax or
        sigmoid, binary cross-entropy on sigmoid): the loss and δ are then computed from
        the logits, exactly and stably; else None."""
        act = self.layers[-1].activation
        return None if act is None else self.loss.fused_with(act.name)

    @property
    def parameter_count(self) -> int:
        return sum(int(np.prod(s)) for layer in self.layers for s in layer.param_shapes().values())


def build_layer(spec: dict[str, Any], in_shape: tuple[int, ...], previous: str, path: str) -> Layer:
    """One layer from its validated spec; ``path`` (e.g. ``layers[1]``) names it in errors.
    The layer's own module infers its shape and checks that it fits (core/nn/layers)."""
    return layer_class(spec["type"]).from_spec(spec, in_shape, previous, path)


def _sources(specs: list[dict[str, Any]], i: int) -> tuple[str, ...]:
    """The names layer ``i`` reads, checked against the layers listed before it."""
    spec = specs[i]
    given = spec.get("inputs")
    if given is None:
        return (INPUT,) if i == 0 else (specs[i - 1]["name"],)
    field_name = f"layers[{i}].inputs"
    earlier = [s["name"] for s in specs[:i]]
    later = [s["name"] for s in specs[i:]]
    for src in given:
        if src == INPUT or src in earlier:
            continue
        if src == spec["name"]:
            raise ScenarioError(tr("layer '{src}' cannot read its own output", src=quote(src)), field=field_name)
        if src in later:
            raise ScenarioError(tr("layer '{name}' reads '{src}', which is listed after it: list the layers so "
                                   "that each reads only earlier ones", name=quote(spec['name']), src=quote(src)),
                                field=field_name)
        names = [INPUT, *earlier]
        choices = ", ".join(quote(name, 24) for name in names[:8]) + (
            f", … ({len(names) - 8} more)" if len(names) > 8 else "")
        raise ScenarioError(tr("there is no layer '{src}' to read (layers before '{name}': {choices})",
                               src=quote(src), name=quote(spec['name']), choices=choices), field=field_name)
    return tuple(given)


def _check_arity(layer_type: type[Layer], kind: str, count: int, field_name: str) -> None:
    """As many inputs as the layer type reads: one, or (add) two or more."""
    an = kind[0] in "aeiou"
    if count < layer_type.min_inputs:
        least = _count(layer_type.min_inputs)
        raise ScenarioError(tr("an {kind} layer reads {least} or more inputs, got {given}", kind=kind, least=least,
                               given=count) if an else
                            tr("a {kind} layer reads {least} or more inputs, got {given}", kind=kind, least=least,
                               given=count), field=field_name)
    if layer_type.max_inputs is not None and count > layer_type.max_inputs:
        most, combining = layer_type.max_inputs, ", ".join(_combining_types())
        values = {"kind": kind, "most": _count(most), "given": count, "combining": combining}
        raise ScenarioError(tr_n("an {kind} layer reads {most} input, got {given} (layers that combine several: "
                                 "{combining})", "an {kind} layer reads {most} inputs, got {given} (layers that "
                                 "combine several: {combining})", most, **values) if an else
                            tr_n("a {kind} layer reads {most} input, got {given} (layers that combine several: "
                                 "{combining})", "a {kind} layer reads {most} inputs, got {given} (layers that "
                                 "combine several: {combining})", most, **values), field=field_name)


def _combining_types() -> list[str]:
    return [name for name, cls in LAYER_CLASSES.items() if cls.max_inputs != 1]


def _count(n: int) -> str:
    words = {1: mark("one"), 2: mark("two"), 3: mark("three")}
    return tr(words[n]) if n in words else str(n)


def _in_shape(kind: str, sources: tuple[str, ...], shapes: dict[str, tuple[int, ...]],
              field_name: str) -> tuple[tuple[int, ...], str]:
    """The shape layer reads (its type combines several inputs' shapes) and the words for
    where it comes from."""
    first = sources[0]
    shape = layer_class(kind).combined_shape(kind, [(src, shapes[src]) for src in sources], field_name)
    return shape, (tr("the input {shape}", shape=shape_text(shapes[first])) if first == INPUT else
                   tr("layer '{name}'", name=quote(first)))


def _check_output_activation(network: Network, last: int) -> None:
    """A loss that scores probabilities (binary cross-entropy) needs its activation on the
    last layer (sigmoid)."""
    needs = network.loss.needs
    act = network.layers[-1].activation
    if needs is None or (act is not None and act.name == needs):
        return
    layer = network.layers[-1]
    has = tr("activation {name}", name=act.name) if act is not None else \
        tr("no activation (a {kind} layer)", kind=layer.kind)
    raise ScenarioError(tr("{loss} needs a {needs} last layer (its outputs are the probabilities it scores), but "
                           "layer '{layer}' has {has}",
                           loss=network.loss.name, needs=needs, layer=quote(layer.name), has=has),
                        field=f"layers[{last}].activation" if act is not None else f"layers[{last}].type")


def build_network(input_shape: tuple[int, ...], specs: list[dict[str, Any]], loss: str,
                  optimizer_kinds: tuple[str, ...] = ()) -> Network:
    """Build every layer in order, inferring shapes; softmax only on the last layer; every
    layer reads earlier ones only, and every output but the last is read.
    ``optimizer_kinds`` are the state kinds the scenario's optimizer keeps."""
    layers: list[Layer] = []
    shapes: dict[str, tuple[int, ...]] = {INPUT: input_shape}
    sources: dict[str, tuple[str, ...]] = {}
    for i, spec in enumerate(specs):
        path = f"layers[{i}]"
        if spec.get("activation") == "softmax" and i != len(specs) - 1:
            raise ScenarioError(tr("softmax is allowed on the last layer only"), field=f"{path}.activation")
        srcs = _sources(specs, i)
        _check_arity(layer_class(spec["type"]), spec["type"], len(srcs), f"{path}.inputs")
        shape, previous = _in_shape(spec["type"], srcs, shapes, f"{path}.inputs")
        layer = build_layer(spec, shape, previous, path)
        layers.append(layer)
        shapes[layer.name] = layer.out_shape
        if "inputs" in spec:
            sources[layer.name] = srcs
    network = Network(input_shape, layers, get_loss(loss), optimizer_kinds=optimizer_kinds,
                      sources=sources)
    _check_output_activation(network, len(specs) - 1)
    for i, layer in enumerate(layers[:-1]):
        if not network.readers_of(layer.name):
            raise ScenarioError(tr("the output of layer '{name}' is read by no layer: only the last layer feeds "
                                   "the loss, so name it in a later layer's inputs or remove it",
                                   name=quote(layer.name)),
                                field=f"layers[{i}]")
    return network
