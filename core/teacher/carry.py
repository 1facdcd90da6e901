"""One iteration recomputed from a student's own values: after each value is computed, the
student's answer takes its place, so every later value follows from what the student wrote
(the optimizer's buffers too: a new weight follows from the student's own m and v). A wrong
value that matches this walk "follows from the student's own earlier value" (error carried
forward) and earns the key's partial credit; a walk fed only the right answers absorbs the
rounding a student carries along.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial

import numpy as np

from core.engine.passes import (
    Run,
    hidden_gradients,
    iteration_given,
    loss_value,
    output_gradients,
    sent_back,
    update_params,
)
from core.engine.quantities import KINDS, parse_name
from core.engine.scenario import Scenario, batch_indices


def _batched_index(name: str, batch: int) -> tuple[str, tuple[int, ...]]:
    ref = parse_name(name)
    index = ref.index or ()
    if KINDS[ref.kind].per_sample and not KINDS[ref.kind].top and batch == 1:
        index = (0, *index)
    return ref.array_name, index


def _own_step(settle: Callable[[str, np.ndarray], np.ndarray], layer: str, values: np.ndarray,
              kind: str) -> np.ndarray:
    """A layer's intermediate of ``kind`` as the student wrote it ("": no quantity, as computed)."""
    return settle(f"{layer}.{kind}", values) if kind else values


def walk(scenario: Scenario, answers: Mapping[str, float]) -> dict[str, np.ndarray]:
    """Iteration 1 of ``scenario`` with ``answers`` (name → value) put in place as soon as
    each is computed: the arrays as computed *before* each substitution, by key."""
    network = scenario.network
    batch = scenario.batch_size
    subs: dict[str, list[tuple[tuple[int, ...], float]]] = {}
    for name, value in answers.items():
        key, index = _batched_index(name, batch)
        subs.setdefault(key, []).append((index, float(value)))
    computed: dict[str, np.ndarray] = {}
    used: dict[str, np.ndarray] = {}

    def settle(key: str, arr: np.ndarray) -> np.ndarray:
        arr = np.asarray(arr, dtype=np.float64)
        computed[key] = arr
        if key not in subs:
            used[key] = arr
            return arr
        mine = arr.copy()
        for index, value in subs[key]:
            mine[index] = value
        used[key] = mine
        return mine

    take = batch_indices(1, batch, len(scenario.samples))
    used["input"], used["target"] = scenario.samples.x[take], scenario.samples.y[take]
    y = used["target"]
    params = scenario.params
    caches = {}
    layers = network.layers
    # the iteration's own context: dropout's mask (the file's or drawn from the seed), batch
    # norm's running statistics as the file gives them, training mode
    run = Run(state=scenario.layer_state,
              given=iteration_given(network, scenario.seed, 1, batch, scenario.given))
    for key, arr in run.given.items():
        settle(key, arr)
    for layer in layers:
        xs = [used[key] for key in network.input_keys(layer.name)]
        if layer.state_defaults or layer.given_kinds:  # a layer that needs the context to run
            # the intermediates it writes down (batch norm's μ, σ², x̂) as the student wrote them,
            # before its next step goes on from them
            ctx = run.context(layer)
            if any(key.startswith(f"{layer.name}.") for key in subs):  # else its own exact route, as the stepper
                ctx = ctx._replace(rounding=partial(_own_step, settle, layer.name))
            result = layer.forward_in(params.get(layer.name, {}), xs, ctx)
            net, out, caches[layer.name] = result.net, result.out, result.cache
            for kind, arr in result.values.items():  # the running statistics (and what it did not write down)
                if f"{layer.name}.{kind}" not in computed:
                    settle(f"{layer.name}.{kind}", arr)
        else:
            net, out, caches[layer.name] = layer.forward_many(params.get(layer.name, {}), xs)
        if net is not None:
            net = settle(f"{layer.name}.net", net)
            out = layer.activate(net)
        settle(f"{layer.name}.out", out)
    last = layers[-1]
    settle("loss", np.asarray(loss_value(network, used.get(f"{last.name}.net"), used[f"{last.name}.out"], y)))
    received: dict[str, list[np.ndarray]] = {}
    grads: dict[str, dict[str, np.ndarray]] = {}
    for i in range(len(layers) - 1, -1, -1):
        layer = layers[i]
        name = layer.name
        net, out = used.get(f"{name}.net"), used[f"{name}.out"]
        if i == len(layers) - 1:
            grad_out, delta = output_gradients(network, net, out, y)
            grad_out = settle(f"{name}.grad_out", grad_out)
            if delta is not None and network.fused is None:
                assert net is not None
                delta = layer.delta(net, out, grad_out)
        else:
            terms = received.pop(name)
            terms.reverse()  # in the file order of the readers, as the stepper adds them
            grad_out, _ = hidden_gradients(layer, net, out, terms)
            grad_out = settle(f"{name}.grad_out", grad_out)
            delta = None if net is None else layer.delta(net, out, grad_out)
        xs = [used[key] for key in network.input_keys(name)]
        if delta is not None:
            delta = settle(f"{name}.delta", delta)
            if layer.has_params:
                own = layer.param_grads(xs[0], delta, caches[name])
                grads[name] = {p: settle(f"{name}.grad_{p}", own[p]) for p in layer.param_names}
        upstream = delta if delta is not None else grad_out
        for position, src in enumerate(network.inputs_of(name)):
            if src != "input":
                received.setdefault(src, []).append(
                    sent_back(layer, params.get(name, {}), xs, upstream, caches[name], position))
    buffers = {f"{layer.name}.{kind}" for layer in network.param_layers() for kind in network.state_kinds_of(layer)}

    def written(values: np.ndarray, name: str) -> np.ndarray:
        """The optimizer's state buffers (momentum, Adam's m and v) as the student wrote them,
        before the update goes on from them; its other intermediates as computed."""
        return settle(name, values) if name in buffers else values

    # the hook only where a student wrote a buffer: without one the rule keeps its exact route (torch's
    # arithmetic, the stepper's very numbers)
    new_params, state = update_params(network, scenario.optimizer, scenario.learning_rate, params, grads,
                                      scenario.optimizer_state, written if buffers & subs.keys() else None)
    for layer in network.param_layers():
        for kind in network.state_kinds_of(layer):
            key = f"{layer.name}.{kind}"
            if key not in computed:  # a buffer the rule keeps without writing it down
                settle(key, state.buffers[key])
        for pname, arr in new_params[layer.name].items():
            settle(f"{layer.name}.new_{pname}", arr)
    return computed


def value_in(arrays: Mapping[str, np.ndarray], name: str, batch: int) -> float:
    """One element of ``walk``'s arrays by its quantity name."""
    key, index = _batched_index(name, batch)
    return float(arrays[key][index])
