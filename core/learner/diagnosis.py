"""Which usual slip explains a learner's wrong value?

Each slip is a small, well-known mistake of hand calculation. For a wrong value we
compute what each slip would have produced, with the engine's own maths, and name the
first slip whose result matches the learner's value to the decimals they wrote.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from core.engine.passes import hidden_gradients, output_gradients, sent_back, sgd
from core.engine.quantities import BACKWARD_KINDS, UPDATE_KINDS, QuantityRef, parse_name
from core.numbers import fmt

if TYPE_CHECKING:
    from core.engine.stepper import Stepper

SLIPS = ("updated-weights", "sign", "missing-activation-derivative", "pool-route", "transposed-index",
         "learning-rate", "one-path")
BACKWARD = BACKWARD_KINDS + UPDATE_KINDS  # what the updated-weights slip changes


@dataclass(frozen=True)
class Diagnosis:
    """The slip that reproduces a wrong value, the value it gives and a sentence saying why."""

    slip: str
    value: float
    explanation: str


def diagnose(stepper: Stepper, name: str, given: float, decimals: int) -> Diagnosis | None:
    """The first slip (in SLIPS order) whose result matches ``given`` within 10^−decimals,
    or None if the value is right or no slip explains it."""
    ref = parse_name(name)
    exact = stepper.value(name)
    tol = 10.0 ** (-decimals) * (1 + 1e-9)
    if abs(exact - given) <= tol:
        return None
    for slip in SLIPS:
        for alt, why in _CANDIDATES[slip](stepper, ref, exact):
            if alt is not None and np.isfinite(alt) and abs(alt - given) <= tol and abs(alt - exact) > tol:
                return Diagnosis(slip, float(alt), why.format(alt=fmt(alt, max(decimals, 3))))
    return None


# --- the slips -------------------------------------------------------------------------
Candidates = list[tuple[float | None, str]]


def _updated_weights(stepper: Stepper, ref: QuantityRef, exact: float) -> Candidates:
    if ref.kind not in BACKWARD or ref.layer is None:
        return []
    alt = updated_weights_pass(stepper)
    arr = alt.get(ref.array_name)
    if arr is None:
        return []
    return [(_pick(stepper, ref, arr), "{alt} is what the backward pass gives through the already-updated "
                                       "weights: the backward pass must use the weights of the forward pass")]


def _sign(stepper: Stepper, ref: QuantityRef, exact: float) -> Candidates:
    out: Candidates = [(-exact, "{alt} is the exact value with its sign flipped: a minus sign was lost")]
    if ref.kind in ("new_weight", "new_bias") and ref.layer is not None:
        param = ref.kind[4:]
        old = float(stepper.params[ref.layer][param][ref.index])
        grad = float(stepper.values_array(f"{ref.layer}.grad_{param}")[ref.index])
        alpha = stepper.scenario.learning_rate
        out.append((old + alpha * grad, "{alt} is w + α·∂E/∂w: the update must subtract the gradient"))
    return out


def _missing_derivative(stepper: Stepper, ref: QuantityRef, exact: float) -> Candidates:
    if ref.kind != "delta" or ref.layer is None:
        return []
    grad_out = stepper.array(f"{ref.layer}.grad_out")
    if grad_out is None:
        return []
    return [(float(grad_out[ref.index]), "{alt} is ∂E/∂a without the factor f′(z): the activation's "
                                         "derivative is missing")]


def _pool_route(stepper: Stepper, ref: QuantityRef, exact: float) -> Candidates:
    if ref.kind not in ("grad_out", "delta") or ref.layer is None:
        return []
    b, idx = _split(stepper, ref)
    routes = _routes(stepper, ref, "pool-route", b, idx)
    if routes is None:
        return []
    factor = 1.0
    if ref.kind == "delta":
        grad_out = float(stepper.batched(f"{ref.layer}.grad_out")[(b, *idx)])  # type: ignore[index]
        factor = exact / grad_out if grad_out != 0 else _activation_slope(stepper, ref.layer, b, idx)
    why = ("{alt} routes a max-pool gradient to the wrong position or filter: it goes only to the "
           "maximum of its window")
    return [(g * factor, why) for g in routes]


def _transposed(stepper: Stepper, ref: QuantityRef, exact: float) -> Candidates:
    """The value of a neighbouring neuron: the transposed index first, then the other
    entries of the same row or column (a weight paired with the wrong neuron)."""
    out: Candidates = []
    why = ("{alt} is the value of the wrong neuron (transposed or neighbouring index): "
           "a weight paired with the wrong neuron")
    arr = stepper.array(ref.array_name)
    index = ref.index or ()
    if arr is not None and len(index) >= 2:
        shape = np.shape(arr)
        swapped = index[:-2] + (index[-1], index[-2])
        if all(s < n for s, n in zip(swapped, shape)) and swapped != index:
            out.append((float(arr[swapped]), why))
        for axis in (len(index) - 1, len(index) - 2):
            for other in range(min(shape[axis], 64)):
                if other != index[axis]:
                    moved = index[:axis] + (other,) + index[axis + 1:]
                    out.append((float(arr[moved]), why))
    if ref.kind in ("grad_out", "delta") and ref.layer is not None:
        b, idx = _split(stepper, ref)
        for g in _routes(stepper, ref, "transposed-index", b, idx) or ():
            if ref.kind == "delta":
                g *= _activation_slope(stepper, ref.layer, b, idx)
            out.append((g, why))
    return out


def _learning_rate(stepper: Stepper, ref: QuantityRef, exact: float) -> Candidates:
    if ref.kind not in ("new_weight", "new_bias") or ref.layer is None:
        return []
    param = ref.kind[4:]
    old = float(stepper.params[ref.layer][param][ref.index])
    grad = float(stepper.values_array(f"{ref.layer}.grad_{param}")[ref.index])
    alpha = stepper.scenario.learning_rate
    out: Candidates = []
    for rate in (1.0, 2 * alpha, alpha / 2, alpha * alpha, 10 * alpha, alpha / 10, 0.0):
        if rate != alpha:
            out.append((old - rate * grad, f"{{alt}} is the update with a learning rate of {fmt(rate, None)} "
                                           f"instead of α = {fmt(alpha, None)}"))
    return out


def _one_path(stepper: Stepper, ref: QuantityRef, exact: float) -> Candidates:
    """A layer read by several layers gets the sum of their terms; a learner who follows
    one path only (forgets the skip connection, say) gets one term."""
    if ref.kind not in ("grad_out", "delta") or ref.layer is None:
        return []
    readers = stepper.network.readers_of(ref.layer)
    if len(readers) < 2 or stepper.batched(f"{ref.layer}.grad_out") is None:
        return []
    b, idx = _split(stepper, ref)
    slope = _activation_slope(stepper, ref.layer, b, idx) if ref.kind == "delta" else 1.0
    out: Candidates = []
    for (reader, _), term in zip(readers, stepper.sent_terms(ref.layer)):
        out.append((float(term[(b, *idx)]) * slope,
                    f"{{alt}} is only the term from '{reader}': {len(readers)} layers read "
                    f"'{ref.layer}', and the gradients along every path add up"))
    return out


_CANDIDATES: dict[str, Any] = {
    "updated-weights": _updated_weights, "sign": _sign, "missing-activation-derivative": _missing_derivative,
    "pool-route": _pool_route, "transposed-index": _transposed, "learning-rate": _learning_rate,
    "one-path": _one_path,
}


# --- helpers ---------------------------------------------------------------------------
def _routes(stepper: Stepper, ref: QuantityRef, slip: str, b: int, idx: tuple[int, ...]) -> list[float] | None:
    """What the layer reading ``ref.layer``'s output would send back to ``idx`` of sample b
    after ``slip`` (the reading layer's own share of diagnosis), or None if it invites none."""
    assert ref.layer is not None
    readers = stepper.network.readers_of(ref.layer)
    if len(readers) != 1:  # the last layer, or one read along several paths (see one-path)
        return None
    above = stepper.network.layer(readers[0][0])
    upstream = stepper.batched(f"{above.name}.{'delta' if above.has_net else 'grad_out'}")
    if upstream is None:
        return None
    return above.slip_routes(stepper.params.get(above.name, {}), upstream[b], idx).get(slip)


def _split(stepper: Stepper, ref: QuantityRef) -> tuple[int, tuple[int, ...]]:
    index = ref.index or ()
    return (index[0], index[1:]) if stepper.batch_size > 1 else (0, index)


def _pick(stepper: Stepper, ref: QuantityRef, batched: np.ndarray) -> float:
    if ref.kind in ("grad_out", "delta"):
        b, idx = _split(stepper, ref)
        return float(batched[(b, *idx)])
    return float(batched[ref.index])


def _activation_slope(stepper: Stepper, layer_name: str, b: int, idx: tuple[int, ...]) -> float:
    layer = stepper.network.layer(layer_name)
    if layer.activation is None or layer.activation.coupled:
        return 1.0
    net = stepper.batched(f"{layer_name}.net")
    out = stepper.batched(f"{layer_name}.out")
    assert net is not None and out is not None
    return float(layer.activation.derivative(net[(b, *idx)], out[(b, *idx)]))


def updated_weights_pass(stepper: Stepper) -> dict[str, np.ndarray]:
    """The backward pass and update as done by a learner who updates each layer's weights
    before back-propagating through them (the notes' slip). Needs the forward pass."""
    cached = getattr(stepper, "_updated_weights_cache", None)
    if cached is not None and cached[0] is stepper.state:
        return cached[1]
    values = stepper.state.values
    network = stepper.network
    layers = network.layers
    result: dict[str, np.ndarray] = {}
    if "loss" not in values:
        return result
    new_params: dict[str, dict[str, np.ndarray]] = {}
    received: dict[str, list[np.ndarray]] = {}  # what the layers above sent back to each layer
    for i in range(len(layers) - 1, -1, -1):
        layer = layers[i]
        net = values.get(f"{layer.name}.net")
        out = values[f"{layer.name}.out"]
        if i == len(layers) - 1:
            grad_out, delta = output_gradients(network, net, out, values["target"])
        else:
            grad_out, delta = hidden_gradients(layer, net, out, received.pop(layer.name))
        assert grad_out is not None
        result[f"{layer.name}.grad_out"] = grad_out
        xs = [values[key] for key in network.input_keys(layer.name)]
        if delta is not None:
            result[f"{layer.name}.delta"] = delta
        if delta is not None and layer.has_params:
            grads = layer.param_grads(xs[0], delta, stepper.cache(layer.name))
            result[f"{layer.name}.grad_weight"] = grads["weight"]
            result[f"{layer.name}.grad_bias"] = grads["bias"]
            new = sgd(layer, stepper.params[layer.name], grads, stepper.scenario.learning_rate)
            new_params[layer.name] = new
            result[f"{layer.name}.new_weight"] = new["weight"]
            result[f"{layer.name}.new_bias"] = new["bias"]
        upstream = delta if delta is not None else grad_out
        for position, src in enumerate(network.inputs_of(layer.name)):
            if src != "input":
                received.setdefault(src, []).append(sent_back(layer, new_params.get(layer.name, {}), xs,
                                                              upstream, stepper.cache(layer.name), position))
    stepper._updated_weights_cache = (stepper.state, result)  # type: ignore[attr-defined]
    return result
