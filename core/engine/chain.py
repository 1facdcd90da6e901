"""Training's plan for a plain chain of layers: ``passes.gradients`` planned once.

Where every layer reads the one before it (the first reads the sample) and none keeps
state or takes given arrays, training runs the same forward and backward iteration after
iteration into the same arrays; ``Chain`` binds each layer's methods and arrays once, so an
iteration does no lookups and tests no graph (and, up to WRITTEN_LAYERS layers, runs no loop
either: the pass is written out as one function, core/engine/chain_code.py). It calls the same layer methods on the same
arrays in the same order as ``passes.gradients``, so its numbers are those to the bit
(tests/core/test_chain_plan.py).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np

from core.engine.chain_code import BackwardStep, written_pass
from core.engine.network import Network
from core.engine.passes import output_gradients
from core.nn.halves import Pending, later
from core.nn.layers import Layer, Params

_EMPTY: Params = {}
WRITTEN_LAYERS = 100  # chains up to this long run their pass written out as one function


class Chain:
    """``gradients`` for one network and one set of parameter and gradient arrays, planned
    once: the plain case of a network whose every layer reads the one before it (the first
    reads the sample) and keeps no state and takes no given arrays, as training runs it
    iteration after iteration into the same arrays (its flat buffers' views).

    The plan holds each layer's bound methods and its own parameter and gradient arrays, so
    an iteration does no name lookups, builds no lists of terms and tests no graph: the
    same layer methods called with the same arrays as ``gradients`` (one reader, so no
    sums; a large weight gradient handed on to the worker thread and joined before the
    return, as there), hence the same numbers to the last bit.
    """

    def __init__(self, network: Network, params: dict[str, Params], into: dict[str, Params]) -> None:
        self.network = network
        layers = network.layers
        owns = [params.get(layer.name, _EMPTY) for layer in layers]
        self._forwards: list[tuple[Callable[..., tuple[Any, np.ndarray, Any]], Params]] = [
            (layer.forward, own) for layer, own in zip(layers, owns)]
        # the backward pass, last layer first; the first layer sends nothing back (it reads the sample)
        self._backwards: list[tuple[int, Params, Callable[..., np.ndarray], Callable[..., Params] | None,
                                    Params | None, Callable[..., np.ndarray], bool,
                                    Callable[..., tuple[Params, Callable[[], object]]]]] = [
            (i, owns[i], _delta_of(layers[i]), layers[i].param_grads if owns[i] else None, into.get(layers[i].name),
             layers[i].input_grad, layers[i].has_net, layers[i].param_grads_parts)
            for i in range(len(layers) - 1, -1, -1)]
        # the pass written out per batch size (which weight gradients are handed on depends on it)
        self._runs: dict[int, Callable[[np.ndarray, np.ndarray, bool], tuple[float, np.ndarray]]] = {}
        self._fused = network.fused
        fused = network.fused
        # δ of a batch whose targets each sum to exactly 1 (the caller says so: see ``gradients``)
        self._unit_delta: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = \
            None if fused is None else (fused.unit_delta or fused.delta)
        self._loss = network.loss

    @staticmethod
    def fits(network: Network) -> bool:
        """Whether ``network`` is such a chain."""
        return all(sources == (i - 1,) for i, sources in enumerate(network.plan)) and not any(
            layer.state_defaults or layer.given_kinds for layer in network.layers)

    def gradients(self, x: np.ndarray, y: np.ndarray, unit: bool = False) -> tuple[float, np.ndarray]:
        """Forward and backward pass of the batch ``x`` with targets ``y``, the gradients
        written into the arrays the plan was made with: (loss, the network's output).
        ``unit``: every sample's targets are known to sum to exactly 1 (``targets_sum_to_one``),
        so a fused loss's δ need not add them up (``Fused.unit_delta``, the same numbers)."""
        run = self._runs.get(x.shape[0])
        if run is None:
            run = self._plan(x.shape[0])
        return run(x, y, unit)

    def _plan(self, batch: int) -> Callable[[np.ndarray, np.ndarray, bool], tuple[float, np.ndarray]]:
        """The pass for batches of ``batch`` samples, kept per batch size (a few: the last
        batch of an epoch may be shorter): written out (core/engine/chain_code.py) up to
        WRITTEN_LAYERS layers, a loop over the plan beyond (compiling costs ~80 µs a layer,
        and a layer's own work there outweighs the loop's)."""
        waits = self._waits_of(batch)
        run: Callable[[np.ndarray, np.ndarray, bool], tuple[float, np.ndarray]]
        if len(self._forwards) > WRITTEN_LAYERS:
            run = partial(self._looped, waits=waits)
        else:
            run = self._written(waits)
        if len(self._runs) > 8:
            self._runs.clear()
        self._runs[batch] = run
        return run

    def _written(self, waits: tuple[bool, ...]) -> Callable[[np.ndarray, np.ndarray, bool], tuple[float, np.ndarray]]:
        """The pass as one function (``written_pass``), the plan's methods and arrays bound."""
        steps = [BackwardStep(i, param_grads is not None, has_net, wait)
                 for (i, _, _, param_grads, _, _, has_net, _), wait in zip(self._backwards, waits)]
        names: dict[str, object] = {"head": self._head, "later": later}
        for i, (forward, own) in enumerate(self._forwards):
            names[f"f{i}"], names[f"o{i}"] = forward, own
        for i, _, layer_delta, param_grads, into, input_grad, _, parts in self._backwards:
            names.update({f"d{i}": layer_delta, f"p{i}": param_grads, f"i{i}": into, f"g{i}": input_grad,
                          f"w{i}": parts})
        return written_pass(len(self._forwards), steps, names)

    def _looped(self, x: np.ndarray, y: np.ndarray, unit: bool, waits: tuple[bool, ...]
                ) -> tuple[float, np.ndarray]:
        """The pass as a loop over the plan: the written pass's calls, in its order."""
        results: list[tuple[Any, np.ndarray, Any]] = []  # each layer's (net, out, cache), kept as it came
        keep = results.append
        h = x
        for forward, own in self._forwards:
            result = forward(own, h)
            keep(result)
            h = result[1]
        loss, delta, grad_out = self._head(h, results[-1][0], y, unit)
        last = len(results) - 1
        pending: list[Pending] = []  # large weight gradients handed on, joined before the return
        try:
            for (i, own, layer_delta, param_grads, into, input_grad, has_net, parts), waits_here in \
                    zip(self._backwards, waits):
                net, out, cache = results[i]
                xi = results[i - 1][1] if i else x  # what layer i read
                if i < last:
                    delta = None if net is None else layer_delta(net, out, grad_out)
                if waits_here:
                    # a large weight gradient's product (one call over the whole batch) runs
                    # on the worker while this thread goes on down the layers (``halves.later``);
                    # nothing writes its operands after their layer, and nothing before the
                    # join reads what it writes, so it makes the same floats there as here
                    pending.append(later(parts(xi, delta, cache, into)[1]))
                elif param_grads is not None:
                    param_grads(xi, delta, cache, into)
                if i:
                    grad_out = input_grad(own, xi, delta if has_net else grad_out, cache)
        finally:
            for job in pending:
                job.wait()
        return loss, h

    def _waits_of(self, batch: int) -> tuple[bool, ...]:
        """Per layer, in the backward pass's order: whether its weight gradient's product
        is handed on to the worker at this batch size (``param_grads_can_wait``)."""
        layers = self.network.layers
        return tuple(param_grads is not None and i > 0 and layers[i].param_grads_can_wait(batch)
                     for i, _, _, param_grads, *_ in self._backwards)

    def _head(self, h: np.ndarray, net: Any, y: np.ndarray, unit: bool
              ) -> tuple[float, np.ndarray | None, np.ndarray | None]:
        """The loss of the output ``h`` (pre-activation ``net``) and what the last layer's
        backward step starts from: (loss, δ, ∂E/∂out), as loss_value and output_gradients."""
        b = h.shape[0]
        fused = self._fused
        if net is not None and fused is not None:
            fused_delta = self._unit_delta if unit and self._unit_delta is not None else fused.delta
            if h.ndim == 2 and net.ndim == 2:  # [B, n] already (a dense layer's): the reshapes would be no-ops
                return fused.value(net, y, h), fused_delta(h, y), None
            flat = h.reshape(b, -1)
            return fused.value(net.reshape(b, -1), y, flat), fused_delta(flat, y).reshape(h.shape), None
        loss = self._loss.value(h.reshape(b, -1), y)
        grad_out, delta = output_gradients(self.network, net, h, y, need_grad_out=False)
        return loss, delta, grad_out


def _delta_of(layer: Layer) -> Callable[..., np.ndarray]:
    """``layer.delta``, or where that is Layer's own for an elementwise activation, the call
    it makes: the activation's δ (the same function on the same arrays, one Python level fewer)."""
    activation = layer.activation
    if type(layer).delta is Layer.delta and "delta" not in vars(layer) \
            and activation is not None and not activation.coupled:
        return activation.delta
    return layer.delta
