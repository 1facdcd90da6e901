"""The forward and backward pass, one layer at a time, shared by the stepper and training.

Keeping each piece of maths in one function means the stepper (which stores every
value for display) and the training loop (which keeps only what it needs) can never
disagree about a number.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Mapping
from typing import Any, Literal, NamedTuple, overload

import numpy as np

from core.engine.network import Network
from core.nn.halves import Pending, later
from core.nn.layers import Layer, Params
from core.nn.layers.base import BatchHalves, Context, Forward
from core.nn.optim import DEFAULT, Hyper, OptimizerConfig, OptimizerState, get_optimizer, state_name

_NO_STATE: Mapping[str, Params] = {}
_NO_GIVEN: Mapping[str, np.ndarray] = {}
_TRAINING = Context(training=True)
_EVALUATING = Context(training=False)


class Run(NamedTuple):
    """What a forward pass runs in: an iteration (``training``: batch statistics, dropout
    masks) or held-out evaluation; each layer's state before it (layer → kind → array,
    e.g. running statistics) and this iteration's given arrays (``LAYER.KIND`` → array with
    a batch axis, e.g. ``drop.mask``), and ``halves`` where the pass is half of a training
    batch (core/engine/batch_halves.py). Layers that keep no state ignore it."""

    training: bool = True
    state: Mapping[str, Params] = _NO_STATE
    given: Mapping[str, np.ndarray] = _NO_GIVEN
    halves: BatchHalves | None = None

    def context(self, layer: Layer) -> Context:
        """The Context ``layer``'s forward reads: its state (the default when none is kept
        yet) and its given arrays."""
        if not layer.state_defaults and not layer.given_kinds:
            return _TRAINING if self.training else _EVALUATING
        state = self.state.get(layer.name) or layer.initial_state()
        given = {kind: self.given[f"{layer.name}.{kind}"] for kind in layer.given_kinds
                 if f"{layer.name}.{kind}" in self.given}
        return Context(self.training, state, given, halves=self.halves)


EVALUATION = Run(training=False)


def initial_layer_state(network: Network) -> dict[str, Params]:
    """Every layer's state kept across iterations as it starts when a file gives none."""
    return {layer.name: layer.initial_state() for layer in network.layers if layer.state_defaults}


def layer_rng(seed: int | None, iteration: int, layer: str) -> np.random.Generator:
    """The random numbers of one layer in one iteration: the same for the same seed,
    iteration and layer name, whatever else the network holds or the order of stepping."""
    return np.random.default_rng([seed or 0, iteration, zlib.crc32(layer.encode("utf-8"))])


def iteration_given(network: Network, seed: int | None, iteration: int, batch: int,
                    first: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The given arrays of iteration ``iteration`` (``drop.mask`` …, batch axis first):
    ``first`` (a file's, for iteration 1) where it has them, else drawn from the seed."""
    given: dict[str, np.ndarray] = {}
    for layer in network.layers:
        for kind in layer.given_kinds:
            key = f"{layer.name}.{kind}"
            if iteration == 1 and key in first:
                given[key] = first[key]
            else:
                given[key] = layer.draw(kind, layer_rng(seed, iteration, layer.name), batch)
    return given


def state_after(network: Network, values: Mapping[str, np.ndarray]) -> dict[str, Params]:
    """Each layer's state after an iteration's forward, from its stored values (``bn.running_mean`` …)."""
    return {layer.name: {kind: values[f"{layer.name}.{kind}"] for kind in layer.state_defaults}
            for layer in network.layers if layer.state_defaults}


def loss_value(network: Network, net: np.ndarray | None, out: np.ndarray, y: np.ndarray) -> float:
    """The batch-mean loss of the output ``out``.

    A loss fused with its output activation (cross-entropy on softmax or sigmoid, binary
    cross-entropy on sigmoid) is computed from the logits ``net``, so a huge logit still
    gives the exact, finite loss.
    """
    b = out.shape[0]
    fused = network.fused
    if net is not None and fused is not None:
        return fused.value(net.reshape(b, -1), y, out.reshape(b, -1))
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
    fused = network.fused if last.has_net else None
    grad_out = None
    if need_grad_out or not fused:
        grad_out = network.loss.grad(out.reshape(b, -1), y).reshape(out.shape)
    if not last.has_net:
        return grad_out, None
    if fused is not None:  # δ from the loss and activation together (a − y for cross-entropy)
        delta = fused.delta(out.reshape(b, -1), y).reshape(out.shape)
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
                  rounding: Callable[[np.ndarray, str], np.ndarray] | None = None,
                  ) -> tuple[dict[str, Params], OptimizerState]:
    """The update of every parameter that is not frozen, by the scenario's optimizer, as a
    pure function: (new parameters, the optimizer's next state). The one home of the rule:
    the stepper, training and diagnosis all call it (through ``update_layer``). ``rounding``
    (hand-rounding, or the teacher's carried-forward walk) is given each intermediate the rule
    writes down, with its quantity name, and returns what the rule goes on with."""
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
        named = hyper if hyper.rounding is None else hyper._replace(rounding=_named(hyper.rounding, keys))
        new[pname], after = rule.update(value, grads[pname], before, named)
        buffers.update({keys[kind]: arr for kind, arr in after.items()})
    return new, buffers


def _named(write: Callable[[np.ndarray, str], np.ndarray], keys: Mapping[str, str]
           ) -> Callable[[np.ndarray, str], np.ndarray]:
    """``write`` given a state buffer's quantity name (``fc.exp_avg_weight``) for its kind."""
    return lambda values, kind: write(values, keys.get(kind, ""))


def upstream_kind(layer: Layer) -> str:
    """What a layer passes back from: its δ when it has a net, else its ∂E/∂out."""
    return "delta" if layer.has_net else "grad_out"


def forward_pass(network: Network, params: dict[str, Params], x: np.ndarray, run: Run | None = None
                 ) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray | None], dict[str, Any]]:
    """Every layer's output in order: (arrays by key, ``input``, ``LAYER.out`` and the
    layers' own kinds; nets and caches by layer name). ``run`` defaults to an iteration
    from the default state with no given arrays."""
    outs, nets, caches, own = _forward(network, params, x, run or _DEFAULT_RUN)
    arrays = {"input": x, **{f"{layer.name}.out": out for layer, out in zip(network.layers, outs)}}
    for layer, values in zip(network.layers, own):
        arrays.update({f"{layer.name}.{kind}": arr for kind, arr in values.items()})
    names = [layer.name for layer in network.layers]
    return arrays, dict(zip(names, nets)), dict(zip(names, caches))


_DEFAULT_RUN = Run()
_NO_VALUES: Mapping[str, np.ndarray] = {}


def _forward(network: Network, params: dict[str, Params], x: np.ndarray, run: Run
             ) -> tuple[list[np.ndarray], list[np.ndarray | None], list[Any], list[Mapping[str, np.ndarray]]]:
    """(out, net, cache, own values) of every layer, by position: the forward pass of training."""
    count = len(network.layers)
    outs: list[np.ndarray] = [x] * count
    nets: list[np.ndarray | None] = [None] * count
    caches: list[Any] = [None] * count
    own_values: list[Mapping[str, np.ndarray]] = [_NO_VALUES] * count
    for i, (layer, sources) in enumerate(zip(network.layers, network.plan)):
        own = params.get(layer.name, _EMPTY)
        if layer.state_defaults or layer.given_kinds:
            result: Forward = layer.forward_in(own, [x if s < 0 else outs[s] for s in sources], run.context(layer))
            nets[i], outs[i], caches[i], own_values[i] = result.net, result.out, result.cache, result.values
        elif len(sources) == 1:
            nets[i], outs[i], caches[i] = layer.forward(own, x if sources[0] < 0 else outs[sources[0]])
        else:
            nets[i], outs[i], caches[i] = layer.forward_many(own, [x if s < 0 else outs[s] for s in sources])
    return outs, nets, caches, own_values


def gradients(network: Network, params: dict[str, Params], x: np.ndarray, y: np.ndarray,
              into: dict[str, Params] | None = None, run: Run | None = None,
              state_out: dict[str, Params] | None = None) -> tuple[float, dict[str, Params], np.ndarray]:
    """Forward and backward pass keeping only what they need: (loss, ∂E/∂params per layer, output).

    The backward pass goes through the layers in reverse order; each sends back a term to
    every layer it reads, and a layer's ∂E/∂out is the sum of the terms it received, added
    in the file order of the readers (as the stepper adds them).
    ``into`` gives arrays to write the gradients in (training's flat buffer); ``run`` the
    iteration's state and given arrays; ``state_out`` receives each layer's state after
    this forward (running statistics).
    """
    layers = network.layers
    outs, nets, caches, own_values = _forward(network, params, x, run or _DEFAULT_RUN)
    if state_out is not None:
        for layer, values in zip(layers, own_values):
            if layer.state_defaults:
                state_out[layer.name] = {kind: values[kind] for kind in layer.state_defaults}
    h = outs[-1]
    loss = loss_value(network, nets[-1], h, y)
    grad_out, delta = output_gradients(network, nets[-1], h, y, need_grad_out=False)
    grads: dict[str, Params] = {}
    pending: list[Pending] = []  # large weight gradients handed on (as in Chain), joined before the return
    try:
        _backward(network, params, x, outs, nets, caches, grad_out, delta, grads, into, pending)
    finally:
        for job in pending:
            job.wait()
    return loss, grads, h


def _backward(network: Network, params: dict[str, Params], x: np.ndarray, outs: list[np.ndarray],
              nets: list[np.ndarray | None], caches: list[Any], grad_out: np.ndarray | None,
              delta: np.ndarray | None, grads: dict[str, Params], into: dict[str, Params] | None,
              pending: list[Pending]) -> None:
    """``gradients``' backward pass from the last layer's (∂E/∂out, δ), into ``grads`` (and
    ``into``); the large weight gradients it hands on are in ``pending`` when it returns."""
    layers = network.layers
    plan = network.plan
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
            if own and i > 0 and layer.param_grads_can_wait(x.shape[0]):  # handed on, as in Chain
                assert delta is not None
                grads[name], rest = layer.param_grads_parts(xi, delta, caches[i], None if into is None else into[name])
                pending.append(later(rest))
                if src >= 0:
                    received[src].append(layer.input_grad(own, xi, upstream, caches[i]))
                continue
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


def predict(network: Network, params: dict[str, Params], x: np.ndarray, run: Run = EVALUATION) -> np.ndarray:
    """The network's output for a batch ``x`` (no gradients), by default evaluated: running
    statistics, no dropout (pass the layers' state in ``run``). The same numbers as the
    forward pass; layers skip what only a backward pass would read (``Layer.infer``)."""
    outs: list[np.ndarray] = [x] * len(network.layers)
    for i, (layer, sources) in enumerate(zip(network.layers, network.plan)):
        own = params.get(layer.name, _EMPTY)
        xs = [x if s < 0 else outs[s] for s in sources]
        if layer.state_defaults or layer.given_kinds:
            outs[i] = layer.forward_in(own, xs, run.context(layer)).out
        elif len(xs) == 1:
            outs[i] = layer.infer(own, xs[0])
        else:
            outs[i] = layer.forward_many(own, xs)[1]
    return outs[-1]
