"""The forward and backward pass, one layer at a time, shared by the stepper and training.

Keeping each piece of maths in one function means the stepper (which stores every
value for display) and the training loop (which keeps only what it needs) can never
disagree about a number.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from core.layers import Layer, Params
from core.network import Network


def fused_softmax_cross_entropy(network: Network) -> bool:
    """Softmax output with cross-entropy: δ = (a·Σy − y)/B = (a − y)/B, exact and stable."""
    last = network.layers[-1]
    return network.loss.name == "cross_entropy" and last.activation is not None \
        and last.activation.is_softmax


def log_output(network: Network, net: np.ndarray | None) -> np.ndarray | None:
    """ln a of a softmax output computed from the logits, so a huge logit gives a finite loss."""
    from core.activations import log_softmax

    last = network.layers[-1]
    if net is None or last.activation is None or not last.activation.is_softmax:
        return None
    return log_softmax(net.reshape(net.shape[0], -1))


def loss_value(network: Network, net: np.ndarray | None, out: np.ndarray, y: np.ndarray) -> float:
    """The batch-mean loss of the output ``out`` (``net`` gives a stable ln for softmax)."""
    b = out.shape[0]
    return network.loss.value(out.reshape(b, -1), y, log_output(network, net))


def output_gradients(network: Network, net: np.ndarray | None, out: np.ndarray,
                     y: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    """(∂E/∂out, δ) of the last layer; δ is None when the last layer has no parameters."""
    last = network.layers[-1]
    b = out.shape[0]
    grad_out = network.loss.grad(out.reshape(b, -1), y).reshape(out.shape)
    if not last.has_params:
        return grad_out, None
    if fused_softmax_cross_entropy(network):
        # δ = a·Σy − y, which is a − y for targets that sum to 1 (exact and stable)
        a = out.reshape(b, -1)
        delta = ((a * y.sum(axis=-1, keepdims=True) - y) / b).reshape(out.shape)
    else:
        assert net is not None
        delta = last.delta(net, out, grad_out)
    return grad_out, delta


def hidden_gradients(layer: Layer, above: Layer, above_params: Params, net: np.ndarray | None,
                     out: np.ndarray, above_upstream: np.ndarray,
                     above_cache: Any) -> tuple[np.ndarray, np.ndarray | None]:
    """(∂E/∂out, δ) of ``layer`` from the layer above it (which reads ``out`` as its input)."""
    grad_out = above.input_grad(above_params, out, above_upstream, above_cache)
    if not layer.has_params:
        return grad_out, None
    assert net is not None
    return grad_out, layer.delta(net, out, grad_out)


def sgd(layer: Layer, params: Params, grads: Params, learning_rate: float) -> Params:
    """p ← p − α·∂E/∂p for every parameter that is not frozen."""
    return {name: value if name in layer.frozen else value - learning_rate * grads[name]
            for name, value in params.items()}


def train_step(network: Network, params: dict[str, Params], x: np.ndarray, y: np.ndarray,
               learning_rate: float) -> tuple[dict[str, Params], float, np.ndarray]:
    """One iteration (forward, backward, update) keeping only what it needs.

    Returns the updated parameters, the loss of this forward pass and the output.
    """
    layers = network.layers
    inputs: list[np.ndarray] = []
    nets: list[np.ndarray | None] = []
    caches: list[Any] = []
    h = x
    for layer in layers:
        inputs.append(h)
        net, h, cache = layer.forward(params.get(layer.name, {}), h)
        nets.append(net)
        caches.append(cache)
    out = h
    loss = loss_value(network, nets[-1], out, y)
    grad_out, delta = output_gradients(network, nets[-1], out, y)
    new_params = dict(params)
    for i in range(len(layers) - 1, -1, -1):
        layer = layers[i]
        upstream = delta if layer.has_params else grad_out
        if layer.has_params:
            grads = layer.param_grads(inputs[i], delta, caches[i])
        if i > 0:
            below = layers[i - 1]
            grad_out, delta = hidden_gradients(below, layer, params.get(layer.name, {}), nets[i - 1],
                                               inputs[i], upstream, caches[i])
        if layer.has_params:
            new_params[layer.name] = sgd(layer, params[layer.name], grads, learning_rate)
    return new_params, loss, out


def predict(network: Network, params: dict[str, Params], x: np.ndarray) -> np.ndarray:
    """The network's output for a batch ``x`` (no gradients)."""
    h = x
    for layer in network.layers:
        _, h, _ = layer.forward(params.get(layer.name, {}), h)
    return h
