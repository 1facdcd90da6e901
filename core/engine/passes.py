"""The forward and backward pass, one layer at a time, shared by the stepper and training.

Keeping each piece of maths in one function means the stepper (which stores every
value for display) and the training loop (which keeps only what it needs) can never
disagree about a number.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from core.engine.network import Network
from core.nn.layers import Layer, Params
from core.nn.losses import sigmoid_cross_entropy, softmax_cross_entropy


def loss_value(network: Network, net: np.ndarray | None, out: np.ndarray, y: np.ndarray) -> float:
    """The batch-mean loss of the output ``out``.

    Cross-entropy on a softmax or sigmoid output is computed from the logits ``net``,
    so a huge logit still gives the exact, finite loss.
    """
    b = out.shape[0]
    fused = network.fused_output
    if net is not None and fused == "softmax":
        return softmax_cross_entropy(net.reshape(b, -1), y, out.reshape(b, -1))
    if net is not None and fused == "sigmoid":
        return sigmoid_cross_entropy(net.reshape(b, -1), y)
    return network.loss.value(out.reshape(b, -1), y)


def output_gradients(network: Network, net: np.ndarray | None, out: np.ndarray, y: np.ndarray,
                     need_grad_out: bool = True) -> tuple[np.ndarray | None, np.ndarray | None]:
    """(∂E/∂out, δ) of the last layer; δ is None when the last layer has no parameters.

    Training skips ∂E/∂out where δ does not need it (``need_grad_out=False``).
    """
    last = network.layers[-1]
    b = out.shape[0]
    fused = network.fused_output if last.has_params else None
    grad_out = None
    if need_grad_out or not fused:
        grad_out = network.loss.grad(out.reshape(b, -1), y).reshape(out.shape)
    if not last.has_params:
        return grad_out, None
    if fused == "softmax":
        # δ = a·Σy − y, which is a − y for targets that sum to 1 (exact and stable)
        a = out.reshape(b, -1)
        delta = ((a * y.sum(axis=-1, keepdims=True) - y) / b).reshape(out.shape)
    elif fused == "sigmoid":
        # δ = −y/a · a(1 − a) = −y·(1 − a): no division by an a that may underflow to 0
        delta = (-y * (1.0 - out.reshape(b, -1)) / b).reshape(out.shape)
    else:
        assert net is not None and grad_out is not None
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
    if not layer.frozen:
        return {"weight": params["weight"] - learning_rate * grads["weight"],
                "bias": params["bias"] - learning_rate * grads["bias"]}
    return {name: value if name in layer.frozen else value - learning_rate * grads[name]
            for name, value in params.items()}


def gradients(network: Network, params: dict[str, Params], x: np.ndarray, y: np.ndarray,
              into: dict[str, Params] | None = None) -> tuple[float, dict[str, Params], np.ndarray]:
    """Forward and backward pass keeping only what they need: (loss, ∂E/∂params per layer, output).

    ``into`` gives arrays to write the gradients in (training's flat buffer).
    """
    layers = network.layers
    count = len(layers)
    inputs: list[np.ndarray] = [x] * count
    nets: list[np.ndarray | None] = [None] * count
    caches: list[Any] = [None] * count
    owns = [params.get(layer.name, _EMPTY) for layer in layers]
    h = x
    for i, layer in enumerate(layers):
        inputs[i] = h
        nets[i], h, caches[i] = layer.forward(owns[i], h)
    loss = loss_value(network, nets[-1], h, y)
    grad_out, delta = output_gradients(network, nets[-1], h, y, need_grad_out=False)
    grads: dict[str, Params] = {}
    for i in range(count - 1, -1, -1):
        layer = layers[i]
        own = owns[i]
        if own:
            grads[layer.name] = layer.param_grads(inputs[i], delta, caches[i],
                                                  None if into is None else into[layer.name])
        if i > 0:
            upstream = delta if own else grad_out
            grad_out, delta = hidden_gradients(layers[i - 1], layer, own, nets[i - 1], inputs[i],
                                               upstream, caches[i])
    return loss, grads, h


def train_step(network: Network, params: dict[str, Params], x: np.ndarray, y: np.ndarray,
               learning_rate: float) -> tuple[dict[str, Params], float, np.ndarray]:
    """One iteration (forward, backward, update) as a pure function: (new parameters, loss, output)."""
    loss, grads, out = gradients(network, params, x, y)
    new_params = dict(params)
    for layer in network.param_layers():
        new_params[layer.name] = sgd(layer, params[layer.name], grads[layer.name], learning_rate)
    return new_params, loss, out


_EMPTY: Params = {}


def predict(network: Network, params: dict[str, Params], x: np.ndarray) -> np.ndarray:
    """The network's output for a batch ``x`` (no gradients)."""
    h = x
    for layer in network.layers:
        _, h, _ = layer.forward(params.get(layer.name, {}), h)
    return h
