"""An ordered stack of layers with its shapes inferred, plus the loss it is trained on.

``build_network`` turns validated layer specs into layers, checking that each layer's
output fits the next; a misfit is a ScenarioError naming the layer's field.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from core.errors import ScenarioError
from core.nn.layers import Layer, layer_class, shape_text
from core.nn.losses import Loss, get_loss

__all__ = ["Network", "build_layer", "build_network", "shape_text"]


@dataclass
class Network:
    """Layers in order from input to output, the per-sample input shape and the loss."""

    input_shape: tuple[int, ...]
    layers: list[Layer]
    loss: Loss
    optimizer_kinds: tuple[str, ...] = ()  # the state the optimizer keeps per parameter (torch's names)

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
        return [layer.name for layer in self.layers].index(name)

    def param_layers(self) -> list[Layer]:
        return [layer for layer in self.layers if layer.has_params]

    def state_kinds_of(self, layer: Layer) -> tuple[str, ...]:
        """The optimizer-state kinds ``layer`` has, e.g. ``momentum_buffer_weight``: one per
        kind the optimizer keeps and parameter that is not frozen (contract §6.1)."""
        return tuple(f"{kind}_{p}" for kind in self.optimizer_kinds for p in layer.param_names
                     if p not in layer.frozen)

    def kinds(self, layer: Layer) -> tuple[str, ...]:
        """Every quantity kind of ``layer``: its own and the optimizer state it keeps."""
        return layer.kinds + self.state_kinds_of(layer)

    def state_kinds(self) -> tuple[str, ...]:
        """Every optimizer-state kind any layer may have (``momentum_buffer_weight`` …)."""
        return tuple(f"{kind}_{p}" for kind in self.optimizer_kinds for p in ("weight", "bias"))

    def state_names(self) -> list[str]:
        """The optimizer state's array names, layer by layer (``fc.momentum_buffer_weight`` …)."""
        return [f"{layer.name}.{kind}" for layer in self.param_layers() for kind in self.state_kinds_of(layer)]

    @cached_property
    def fused_output(self) -> str | None:
        """"softmax" or "sigmoid" when cross-entropy sits on that output activation: the
        loss and δ are then computed from the logits, exactly and stably; else None."""
        act = self.layers[-1].activation
        if self.loss.name != "cross_entropy" or act is None or act.name not in ("softmax", "sigmoid"):
            return None
        return act.name

    @property
    def parameter_count(self) -> int:
        return sum(int(np.prod(s)) for layer in self.layers for s in layer.param_shapes().values())


def build_layer(spec: dict[str, Any], in_shape: tuple[int, ...], previous: str, path: str) -> Layer:
    """One layer from its validated spec; ``path`` (e.g. ``layers[1]``) names it in errors.
    The layer's own module infers its shape and checks that it fits (core/nn/layers)."""
    return layer_class(spec["type"]).from_spec(spec, in_shape, previous, path)


def build_network(input_shape: tuple[int, ...], specs: list[dict[str, Any]], loss: str,
                  optimizer_kinds: tuple[str, ...] = ()) -> Network:
    """Build every layer in order, inferring shapes; softmax only on the last layer.
    ``optimizer_kinds`` are the state kinds the scenario's optimizer keeps."""
    layers: list[Layer] = []
    shape = input_shape
    previous = f"the input {shape_text(input_shape)}"
    for i, spec in enumerate(specs):
        path = f"layers[{i}]"
        if spec.get("activation") == "softmax" and i != len(specs) - 1:
            raise ScenarioError("softmax is allowed on the last layer only", field=f"{path}.activation")
        layer = build_layer(spec, shape, previous, path)
        layers.append(layer)
        shape = layer.out_shape
        previous = f"layer '{layer.name}'"
    return Network(input_shape, layers, get_loss(loss), optimizer_kinds)
