"""Which usual slip explains a learner's wrong value?

Each slip is a small, well-known mistake of hand calculation. For a wrong value we
compute what each slip would have produced, with the engine's own maths, and name the
first slip whose result matches the learner's value to the decimals they wrote.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from core.engine.passes import hidden_gradients, output_gradients, sent_back, update_layer
from core.engine.quantities import BACKWARD_KINDS, KINDS, UPDATE_KINDS, QuantityRef, parse_name
from core.explain.explainer import layer_writer, update_context
from core.i18n import mark, tr
from core.nn.optim import Hyper, get_optimizer
from core.numbers import fmt, rounded_text

if TYPE_CHECKING:
    from core.engine.stepper import State, Stepper

# the slips of the passes, in the order they are tried; the optimizer's own slips (sgd:
# sign, learning-rate) join the same names or follow them (``slip_order``)
SLIPS = ("updated-weights", "sign", "missing-activation-derivative", "pool-route", "transposed-index",
         "one-path", "dropout-scale", "unbiased-variance", "biased-running-variance")
# the words of the slips a layer computes (core/nn/layers: own_slips, input_slips)
LAYER_SLIPS = {
    "dropout-scale": mark("{alt} leaves out dropout's scale 1/(1 − p): a kept value (and its gradient) is "
                          "multiplied by 1/(1 − p), so the expected output stays the same"),
    "unbiased-variance": mark("{alt} uses the unbiased variance (÷(N − 1)): batch norm normalises with the biased "
                              "one, Σ(x − μ)²/N"),
    "biased-running-variance": mark("{alt} feeds the running variance the biased variance: PyTorch updates it "
                                    "with the unbiased one, σ²·N/(N − 1)"),
}
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
    optimizer_slips = _optimizer_slips(stepper, ref)
    loss = stepper.network.loss.symbol  # the slips write ∂E/…; cross-entropy's derivations write ∂C/…
    for slip in slip_order(stepper):
        candidates = _CANDIDATES[slip](stepper, ref, exact) if slip in _CANDIDATES else []
        if slip in optimizer_slips:
            candidates = candidates + optimizer_slips[slip](exact)
        for alt, why in candidates:
            if alt is not None and np.isfinite(alt) and abs(alt - given) <= tol and abs(alt - exact) > tol:
                # a slip's words are a marked template (or one a slip filled in already, with {alt} left)
                said = tr(why, alt=_alt_text(alt, given, decimals)).replace("∂E/", f"∂{loss}/")
                return Diagnosis(slip, float(alt), said)
    return None


def slip_values(stepper: Stepper, name: str) -> list[tuple[str, float]]:
    """Every value a usual slip would give for ``name`` instead of its exact value, as
    (slip, value) in the order ``diagnose`` tries them (a teacher's exercise checks with it
    that each slip would show)."""
    ref = parse_name(name)
    exact = stepper.value(name)
    optimizer_slips = _optimizer_slips(stepper, ref)
    out: list[tuple[str, float]] = []
    for slip in slip_order(stepper):
        candidates = _CANDIDATES[slip](stepper, ref, exact) if slip in _CANDIDATES else []
        if slip in optimizer_slips:
            candidates = candidates + optimizer_slips[slip](exact)
        out += [(slip, float(alt)) for alt, _ in candidates if alt is not None and np.isfinite(alt)]
    return out


def _alt_text(alt: float, given: float, decimals: int) -> str:
    """The slip's value as a learner compares it with theirs: to their decimals when it
    rounds to their value (so it reads as theirs), else one decimal more and how near it is
    (never a different number presented as theirs: 0.00034 for 0.0004 says "0.00034 (within
    0.0001 of 0.0004)")."""
    if rounded_text(alt, decimals) == rounded_text(given, decimals):
        return rounded_text(alt, decimals)
    near = tr("within {tolerance} of {given}", tolerance=fmt(10.0 ** -decimals, None),
              given=rounded_text(given, decimals))
    return f"{rounded_text(alt, decimals + 1)} ({near})"


# --- the slips -------------------------------------------------------------------------
Candidates = list[tuple[float | None, str]]


def _updated_weights(stepper: Stepper, ref: QuantityRef, exact: float) -> Candidates:
    if ref.kind not in BACKWARD or ref.layer is None:
        return []
    alt = updated_weights_pass(stepper)
    arr = alt.get(ref.array_name)
    if arr is None:
        return []
    return [(_pick(stepper, ref, arr), mark("{alt} is what the backward pass gives through the already-updated "
                                            "weights: the backward pass must use the weights of the forward pass"))]


def slip_order(stepper: Stepper) -> tuple[str, ...]:
    """Every slip name in the order tried: the passes' slips, then the optimizer's new ones."""
    own = get_optimizer(stepper.scenario.optimizer.type).slips
    return SLIPS + tuple(name for name in own if name not in SLIPS)


def _optimizer_slips(stepper: Stepper, ref: QuantityRef) -> dict[str, Any]:
    """The optimizer's slips for an updated parameter or state value, bound to its entry."""
    network = stepper.network
    if ref.layer is None or ref.index is None:
        return {}
    layer = network.layer(ref.layer)
    if ref.kind in ("new_weight", "new_bias"):
        target, param = "new", ref.kind[4:]
    elif ref.kind in network.state_kinds_of(layer):
        target, _, param = ref.kind.rpartition("_")
    else:
        return {}
    if param in layer.frozen:
        return {}
    ctx = update_context(stepper, network.index_of(ref.layer), layer, param, ref.index)._replace(target=target)
    slips = get_optimizer(stepper.scenario.optimizer.type).slips
    return {name: (lambda exact, slip=slip: slip(ctx, exact)) for name, slip in slips.items()}


def _sign(stepper: Stepper, ref: QuantityRef, exact: float) -> Candidates:
    return [(-exact, mark("{alt} is the exact value with its sign flipped: a minus sign was lost"))]


def _missing_derivative(stepper: Stepper, ref: QuantityRef, exact: float) -> Candidates:
    if ref.kind != "delta" or ref.layer is None:
        return []
    grad_out = stepper.array(f"{ref.layer}.grad_out")
    if grad_out is None:
        return []
    return [(float(grad_out[ref.index]), mark("{alt} is ∂E/∂a without the factor f′(z): the activation's "
                                              "derivative is missing"))]


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
    why = mark("{alt} routes a max-pool gradient to the wrong position or filter: it goes only to the "
               "maximum of its window")
    return [(g * factor, why) for g in routes]


def _transposed(stepper: Stepper, ref: QuantityRef, exact: float) -> Candidates:
    """The value of a neighbouring neuron: the transposed index first, then the other
    entries of the same row or column (a weight paired with the wrong neuron)."""
    out: Candidates = []
    why = mark("{alt} is the value of the wrong neuron (transposed or neighbouring index): "
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
                    tr("{{alt}} is only the term from '{reader}': {n} layers read "
                       "'{layer}', and the gradients along every path add up", reader=reader, n=len(readers),
                       layer=ref.layer)))
    return out


def _layer_slip(slip: str) -> Any:
    """The candidates a layer computes for ``slip``: of its own values (its own kinds and
    out), and of the gradient it sends back to the one layer it reads."""
    def candidates(stepper: Stepper, ref: QuantityRef, exact: float) -> Candidates:
        if ref.layer is None:
            return []
        network = stepper.network
        layer = network.layer(ref.layer)
        b, idx = _split(stepper, ref) if KINDS[ref.kind].per_sample else (0, ref.index or ())
        values: list[float] = []
        if ref.kind == "out" or ref.kind in layer.own_kinds():
            values = layer.own_slips(ref.kind, b, idx, layer_writer(stepper, network.index_of(ref.layer), layer)) \
                .get(slip, [])
        elif ref.kind in ("grad_out", "delta"):
            readers = network.readers_of(ref.layer)
            if len(readers) == 1 and stepper.batched(f"{readers[0][0]}.grad_out") is not None:
                above = network.layer(readers[0][0])
                w = layer_writer(stepper, network.index_of(above.name), above)
                slope = _activation_slope(stepper, ref.layer, b, idx) if ref.kind == "delta" else 1.0
                values = [v * slope for v in above.input_slips(b, idx, w).get(slip, [])]
        return [(v, LAYER_SLIPS[slip]) for v in values]
    return candidates


_CANDIDATES: dict[str, Any] = {
    "updated-weights": _updated_weights, "sign": _sign, "missing-activation-derivative": _missing_derivative,
    "pool-route": _pool_route, "transposed-index": _transposed,
    "one-path": _one_path, **{slip: _layer_slip(slip) for slip in LAYER_SLIPS},
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
    cached: tuple[State, dict[str, np.ndarray]] | None = getattr(stepper, "_updated_weights_cache", None)
    if cached is not None and cached[0] is stepper.state:
        return cached[1]
    values = stepper.state.values
    network = stepper.network
    layers = network.layers
    result: dict[str, np.ndarray] = {}
    if "loss" not in values:
        return result
    new_params: dict[str, dict[str, np.ndarray]] = {}
    scenario = stepper.scenario
    optim = stepper.optimizer_state
    hyper = Hyper(scenario.learning_rate, optim.step + 1, scenario.optimizer.options)
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
            new, buffers = update_layer(layer, scenario.optimizer, hyper, stepper.params[layer.name], grads, optim)
            new_params[layer.name] = new
            for pname, arr in new.items():
                result[f"{layer.name}.new_{pname}"] = arr
            result.update(buffers)
        upstream = delta if delta is not None else grad_out
        for position, src in enumerate(network.inputs_of(layer.name)):
            if src != "input":
                received.setdefault(src, []).append(sent_back(layer, new_params.get(layer.name, {}), xs,
                                                              upstream, stepper.cache(layer.name), position))
    stepper._updated_weights_cache = (stepper.state, result)  # type: ignore[attr-defined]
    return result
