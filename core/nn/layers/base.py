"""The layer interface shared by every family (dense, conv, pool, flatten).

Every array carries a leading batch axis. A layer is stateless: parameters come in as a
dict, so the stepper can keep the forward pass's parameters apart from updated ones.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from core.nn.activations import Activation, softmax_backward

Params = dict[str, np.ndarray]


class Layer:
    """Base class: shapes, activation handling and the names of quantities it has."""

    kind: str = "layer"
    param_names: tuple[str, ...] = ()
    max_inputs: int | None = 1  # how many layers it may read (None: any number, at least min_inputs)
    min_inputs: int = 1

    def __init__(self, name: str, in_shape: tuple[int, ...], activation: Activation | None = None,
                 frozen: frozenset[str] = frozenset()) -> None:
        self.name = name
        self.in_shape = in_shape
        self.activation = activation
        self.frozen = frozen
        self.out_shape: tuple[int, ...] = ()

    # --- shapes and names -------------------------------------------------------
    @property
    def has_params(self) -> bool:
        return bool(self.param_names)

    def param_shapes(self) -> dict[str, tuple[int, ...]]:
        """Shapes of this layer's parameters, in PyTorch layout."""
        return {}

    def fans(self) -> tuple[int, int]:
        """(fan_in, fan_out) used by weight initialisers."""
        return (1, 1)

    @property
    def has_net(self) -> bool:
        """Does it compute a pre-activation ``net`` (and so a δ), as dense, conv and add do?"""
        return self.has_params

    @property
    def kinds(self) -> tuple[str, ...]:
        """The quantity kinds this layer has (contract §3)."""
        if self.has_params:
            return ("net", "out", "grad_out", "delta", "weight", "bias", "grad_weight",
                    "grad_bias", "new_weight", "new_bias")
        if self.has_net:
            return ("net", "out", "grad_out", "delta")
        return ("out", "grad_out")

    def describe(self) -> str:
        """A short title such as ``conv1d 2×3 · sigmoid``."""
        return self.kind

    # --- maths ------------------------------------------------------------------
    def activate(self, net: np.ndarray) -> np.ndarray:
        """Apply the activation; softmax acts on each sample's flattened output."""
        activation = self.activation
        assert activation is not None
        if activation.is_softmax:
            if net.ndim == 2:
                return activation.forward(net)
            return activation.forward(net.reshape(net.shape[0], -1)).reshape(net.shape)
        return activation.forward(net)

    def delta(self, net: np.ndarray, out: np.ndarray, grad_out: np.ndarray) -> np.ndarray:
        """δ = ∂E/∂net from ∂E/∂out: elementwise f′, or the full softmax Jacobian."""
        assert self.activation is not None
        if self.activation.is_softmax:
            b = out.shape[0]
            return softmax_backward(out.reshape(b, -1), grad_out.reshape(b, -1)).reshape(out.shape)
        assert self.activation.derivative is not None
        return grad_out * self.activation.derivative(net, out)

    def forward(self, params: Params, x: np.ndarray) -> tuple[np.ndarray | None, np.ndarray, Any]:
        """Return (net or None, out, cache) for a batch ``x``."""
        raise NotImplementedError

    def input_grad(self, params: Params, x: np.ndarray, upstream: np.ndarray, cache: Any) -> np.ndarray:
        """∂E/∂x, given δ (layers with a net) or ∂E/∂out (the others)."""
        raise NotImplementedError

    # --- any number of inputs (the network is a graph) ---------------------------------
    def forward_many(self, params: Params, xs: list[np.ndarray]) -> tuple[np.ndarray | None, np.ndarray, Any]:
        """``forward`` on the outputs of every layer this one reads (one, unless it is a
        layer such as ``add`` that combines several)."""
        return self.forward(params, xs[0])

    def input_grads(self, params: Params, xs: list[np.ndarray], upstream: np.ndarray,
                    cache: Any) -> list[np.ndarray]:
        """∂E/∂x for each input, in the order of ``xs``: what this layer sends back to each
        layer it reads."""
        return [self.input_grad(params, xs[0], upstream, cache)]

    def param_grads(self, x: np.ndarray, delta: np.ndarray, cache: Any, out: Params | None = None) -> Params:
        """∂E/∂weight and ∂E/∂bias, summed over the batch (δ already carries 1/B).

        With ``out`` (arrays of the parameters' shapes) the gradients are written there,
        which lets training keep every gradient in one flat buffer.
        """
        return {}
