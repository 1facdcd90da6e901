"""The forward and backward pass, one layer at a time, shared by the stepper and training.

Keeping each piece of maths in one function means the stepper (which stores every
value for display) and the training loop (which keeps only what it needs) can never
disagree about a number.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal, overload

import numpy as np

from core.engine.network import Network
from core.nn.layers import Layer, Params
from core.nn.losses import sigmoid_cross_entropy, softmax_cross_entropy
from core.nn.optim import DEFAULT, Hyper, OptimizerConfig, OptimizerState, get_optimizer, state_name


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


@overload
def output_gradients(network: Network, net: np.ndarray | None, out: np.ndarray, y: np.ndarray,
                     need_grad_out: Literal[True] = True) -> tuple[np.ndarray, np.ndarray | None]: ...
@overload
def output_gradients(network: Network, net: np.ndarray | None, out: np.ndarray, y: np.ndarray,
                     need_grad_out: bool) -> tuple[np.ndarray | None, np.ndarray | None]: ...
def output_gradients(network: Network, net: np.ndarray | None, out: np.ndarray, y: np.ndarray,
                     need_grad_out: bool = True) -> tuple[np.ndarray | None, np.ndarray | None]:
    """(∂E/∂out, δ) of the last layer; δ is None when the last layer has no net.

    Training skips ∂E/∂out where δ does not need it (``need_grad_out=False``).
    """
    last = network.layers[-1]
    b = out.shape[0]
    fused = network.fused_output if last.has_net else None
    grad_out = None
    if need_grad_out or not fused:
        grad_out = network.loss.grad(out.reshape(b, -1), y).reshape(out.shape)
    if not last.has_net:
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


def sent_back(reader: Layer, params: Params, xs: list[np.ndarray], upstream: np.ndarray,
              cache: Any, position: int) -> np.ndarray:
    """What ``reader`` sends back to its input number ``position``: ∂E/∂(that input) through
    ``reader`` alone, from the reader's δ (or its ∂E/∂out, if it has no net)."""
    if reader.max_inputs == 1:
        return reader.input_grad(params, xs[0], upstream, cache)
    return reader.input_grads(params, xs, upstream, cache)[position]


def _sum(terms: list[np.ndarray]) -> np.ndarray:
    """t₁ + t₂ + … in this order, as new arrays (the terms are never written in)."""
    total = terms[0]
    for term in terms[1:]:
        total = total + term
    return total


def hidden_gradients(layer: Layer, net: np.ndarray | None, out: np.ndarray,
                     terms: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray | None]:
    """(∂E/∂out, δ) of a layer below the last from the terms its readers send back:
    ∂E/∂out is their sum (gradients from several readers add up)."""
    grad_out = _sum(terms)
    if not layer.has_net:
        return grad_out, None
    assert net is not None
    return grad_out, layer.delta(net, out, grad_out)


_FRESH = OptimizerState()  # no update taken yet


def update_params(network: Network, optimizer: OptimizerConfig, learning_rate: float,
                  params: dict[str, Params], grads: dict[str, Params],
                  state: OptimizerState,
                  rounding: Callable[[np.ndarray], np.ndarray] | None = None,
                  ) -> tuple[dict[str, Params], OptimizerState]:
    """The update of every parameter that is not frozen, by the scenario's optimizer, as a
    pure function: (new parameters, the optimizer's next state). The one home of the rule:
    the stepper, training and diagnosis all call it (through ``update_layer``). ``rounding``
    (hand-rounding) rounds the intermediates the rule writes down before it uses them."""
    hyper = Hyper(learning_rate, state.step + 1, optimizer.options, rounding)
    new_params: dict[str, Params] = {}
    buffers: dict[str, np.ndarray] = {}
    for layer in network.param_layers():
        new_params[layer.name], after = update_layer(layer, optimizer, hyper, params[layer.name],
                                                     grads[layer.name], state)
        buffers.update(after)
    return new_params, OptimizerState(state.step + 1, buffers)


def update_layer(layer: Layer, optimizer: OptimizerConfig, hyper: Hyper, params: Params, grads: Params,
                 state: OptimizerState) -> tuple[Params, dict[str, np.ndarray]]:
    """One layer's update: (its new parameters, its new state buffers by quantity name).
    Frozen parameters keep their value (the very array) and have no state."""
    rule = get_optimizer(optimizer.type)
    new: Params = {}
    buffers: dict[str, np.ndarray] = {}
    for pname, value in params.items():
        if pname in layer.frozen:
            new[pname] = value
            continue
        keys = {kind: state_name(layer.name, kind, pname) for kind in rule.state_kinds}
        before = {kind: state.buffers[key] for kind, key in keys.items() if key in state.buffers}
        new[pname], after = rule.update(value, grads[pname], before, hyper)
        buffers.update({keys[kind]: arr for kind, arr in after.items()})
    return new, buffers


def upstream_kind(layer: Layer) -> str:
    """What a layer passes back from: its δ when it has a net, else its ∂E/∂out."""
    return "delta" if layer.has_net else "grad_out"


def forward_pass(network: Network, params: dict[str, Params], x: np.ndarray
                 ) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray | None], dict[str, Any]]:
    """Every layer's output in order: (arrays by key, ``input`` and ``LAYER.out``; nets and
    caches by layer name)."""
    outs, nets, caches = _forward(network, params, x)
    arrays = {"input": x, **{f"{layer.name}.out": out for layer, out in zip(network.layers, outs)}}
    names = [layer.name for layer in network.layers]
    return arrays, dict(zip(names, nets)), dict(zip(names, caches))


def _forward(network: Network, params: dict[str, Params], x: np.ndarray
             ) -> tuple[list[np.ndarray], list[np.ndarray | None], list[Any]]:
    """(out, net, cache) of every layer, by position: the forward pass of training."""
    count = len(network.layers)
    outs: list[np.ndarray] = [x] * count
    nets: list[np.ndarray | None] = [None] * count
    caches: list[Any] = [None] * count
    for i, (layer, sources) in enumerate(zip(network.layers, network.plan)):
        own = params.get(layer.name, _EMPTY)
        if len(sources) == 1:
            nets[i], outs[i], caches[i] = layer.forward(own, x if sources[0] < 0 else outs[sources[0]])
        else:
            nets[i], outs[i], caches[i] = layer.forward_many(own, [x if s < 0 else outs[s] for s in sources])
    return outs, nets, caches


def gradients(network: Network, params: dict[str, Params], x: np.ndarray, y: np.ndarray,
              into: dict[str, Params] | None = None) -> tuple[float, dict[str, Params], np.ndarray]:
    """Forward and backward pass keeping only what they need: (loss, ∂E/∂params per layer, output).

    The backward pass goes through the layers in reverse order; each sends back a term to
    every layer it reads, and a layer's ∂E/∂out is the sum of the terms it received, added
    in the file order of the readers (as the stepper adds them).
    ``into`` gives arrays to write the gradients in (training's flat buffer).
    """
    layers = network.layers
    plan = network.plan
    outs, nets, caches = _forward(network, params, x)
    h = outs[-1]
    loss = loss_value(network, nets[-1], h, y)
    grad_out, delta = output_gradients(network, nets[-1], h, y, need_grad_out=False)
    grads: dict[str, Params] = {}
    received: list[list[np.ndarray]] = [[] for _ in layers]
    with_net = network.with_net
    for i in range(len(layers) - 1, -1, -1):
        layer = layers[i]
        name = layer.name
        own = params.get(name, _EMPTY)
        if i < len(layers) - 1:
            terms = received[i]
            if len(terms) == 1:  # read by one layer: the common case, no sum
                grad_out = terms[0]
            else:
                terms.reverse()  # received from the last reader first
                grad_out = _sum(terms)
            net = nets[i]  # None exactly for the layers without a net
            delta = None if net is None else layer.delta(net, outs[i], grad_out)
        sources = plan[i]
        upstream = delta if with_net[i] else grad_out
        assert upstream is not None
        if len(sources) == 1:
            src = sources[0]
            xi = x if src < 0 else outs[src]
            if own:
                assert delta is not None
                grads[name] = layer.param_grads(xi, delta, caches[i], None if into is None else into[name])
            if src >= 0:
                received[src].append(layer.input_grad(own, xi, upstream, caches[i]))
            continue
        xs = [x if s < 0 else outs[s] for s in sources]
        if own:
            assert delta is not None
            grads[name] = layer.param_grads(xs[0], delta, caches[i], None if into is None else into[name])
        for position in range(len(sources) - 1, -1, -1):  # reversed, as the layers are
            if sources[position] >= 0:
                received[sources[position]].append(sent_back(layer, own, xs, upstream, caches[i], position))
    return loss, grads, h


def train_step(network: Network, params: dict[str, Params], x: np.ndarray, y: np.ndarray,
               learning_rate: float, optimizer: OptimizerConfig = DEFAULT,
               state: OptimizerState = _FRESH) -> tuple[dict[str, Params], float, np.ndarray]:
    """One iteration (forward, backward, update) as a pure function: (new parameters, loss,
    output). ``train_state_step`` also returns the optimizer's next state."""
    new_params, loss, out, _ = train_state_step(network, params, x, y, learning_rate, optimizer, state)
    return new_params, loss, out


def train_state_step(network: Network, params: dict[str, Params], x: np.ndarray, y: np.ndarray,
                     learning_rate: float, optimizer: OptimizerConfig,
                     state: OptimizerState) -> tuple[dict[str, Params], float, np.ndarray, OptimizerState]:
    """One iteration with the optimizer's state: (new parameters, loss, output, next state)."""
    loss, grads, out = gradients(network, params, x, y)
    new_params, new_state = update_params(network, optimizer, learning_rate, params, grads, state)
    return {**params, **new_params}, loss, out, new_state


_EMPTY: Params = {}


def predict(network: Network, params: dict[str, Params], x: np.ndarray) -> np.ndarray:
    """The network's output for a batch ``x`` (no gradients)."""
    return _forward(network, params, x)[0][-1]
