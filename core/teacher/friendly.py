"""Is a variant fit for working by hand? Each fault is a sentence; none means it is.

A student works with the display decimals, so a value is "visible" when it differs by at
least a few units of the last place. The faults: a non-finite or huge number; a sigmoid or
tanh so saturated that its slope is nearly 0; a softmax output at 0 or 1; a ReLU whose net
shows as 0 where the backward pass needs its slope; a layer whose every output of a sample
is 0 (a dropout mask that drops all, every ReLU off: nothing flows past it); a max-pool window whose maximum is
tied (to the decimals shown) where the backward pass routes through it; and an asked value
where a usual slip would not show, or would look like another slip (checked with the
learner's own diagnosis, so every slip a student makes there can be named).
"""

from __future__ import annotations

import numpy as np

from core.engine.quantities import KINDS, parse_name
from core.engine.stepper import Stepper
from core.i18n import tr
from core.learner.diagnosis import diagnose, slip_values
from core.nn.layers.pool import Pool
from core.teacher.tolerance import Tolerance

LARGEST = 100.0  # no value of an iteration is larger than this
VISIBLE = 2  # units of the last place a slip must move a value by (a rounded slip then never looks right)
SOFTMAX_EDGE = 0.01
# slips with many candidates, of which the first is the usual one (the swapped index): only
# it must show (every other entry of a row differing visibly would be asking too much), and
# only where an index pairs two neurons (a weight's row and column)
ONE_CANDIDATE = ("transposed-index",)
PAIRED = ("grad_weight", "new_weight")


def faults(stepper: Stepper, asked: list[str], tolerance: Tolerance) -> list[str]:
    """Everything that makes this (complete) iteration unfit for the asked values: the
    hard faults, or else the asked values where a slip would hide."""
    return hard_faults(stepper, asked, tolerance) or slip_faults(stepper, asked, tolerance)


def hard_faults(stepper: Stepper, asked: list[str], tolerance: Tolerance) -> list[str]:
    """Numbers no one should work by hand: huge, saturated, a ReLU at 0, a tied max-pool."""
    network = stepper.network
    d = int(tolerance.decimals_at(1.0))
    unit = 10.0 ** (-d)
    out: list[str] = []
    for key, arr in stepper.state.values.items():
        values = np.asarray(arr, dtype=np.float64)
        if not np.all(np.isfinite(values)) or np.max(np.abs(values), initial=0.0) > LARGEST:
            out.append(tr("{name} holds a value larger than {largest:g}", name=key, largest=LARGEST))
    refs = [parse_name(name) for name in asked]
    index = {layer.name: i for i, layer in enumerate(network.layers)}
    backward = [index[r.layer] for r in refs if r.layer is not None and KINDS[r.kind].stage in ("backward", "update")]
    lowest_backward = min(backward) if backward else len(network.layers)
    forward_top = len(network.layers) - 1 if backward or any(r.kind == "loss" for r in refs) else max(
        (index[r.layer] for r in refs if r.layer is not None), default=-1)
    for i, layer in enumerate(network.layers):
        act = layer.activation
        net = stepper.batched(f"{layer.name}.net")
        if act is None or net is None or i > forward_top:
            continue
        edge = act.saturates_beyond  # the activation says where its slope is nearly 0
        if edge is not None and np.max(np.abs(net)) > edge:
            out.append(tr("{layer}: a {activation} is saturated (|net| > {edge:g})", layer=layer.name,
                              activation=act.name, edge=edge))
        if act.coupled:
            a = stepper.batched(f"{layer.name}.out")
            if a is not None and (np.min(a) < SOFTMAX_EDGE or np.max(a) > 1 - SOFTMAX_EDGE):
                out.append(tr("{layer}: a softmax output is within {edge:g} of 0 or 1", layer=layer.name,
                                  edge=SOFTMAX_EDGE))
        if act.kinked and i >= lowest_backward and np.min(np.abs(net)) < unit:
            out.append(tr("{layer}: a {activation} net shows as 0, so its slope is unclear", layer=layer.name,
                              activation=act.name))
    for layer in network.layers[:forward_top + 1]:
        out_values = stepper.batched(f"{layer.name}.out")
        if out_values is not None and np.any(np.all(out_values.reshape(len(out_values), -1) == 0, axis=1)):
            out.append(tr("{layer}: every output of a sample is 0 (all dropped, or every ReLU off), "
                          "so nothing flows past it", layer=layer.name))
    for layer in network.layers:
        if not isinstance(layer, Pool) or layer.mode != "max":
            continue
        sources = network.inputs_of(layer.name)
        if not any(src != "input" and index[src] >= lowest_backward for src in sources):
            continue
        x = stepper.state.values[network.input_keys(layer.name)[0]]
        if _smallest_lead(layer, x) < 1.5 * unit:
            out.append(tr("{layer}: a max-pool window has a tie for its maximum (to {d} decimals)",
                          layer=layer.name, d=d))
    return out


def slip_faults(stepper: Stepper, asked: list[str], tolerance: Tolerance, limit: int | None = None,
                suspects: list[str] | None = None) -> list[str]:
    """The asked values where a usual slip would not show or would pass for another slip,
    in ``asked``'s order (stops once ``limit`` are found). ``suspects`` are looked at first
    (the names that hid a slip in earlier draws, which usually do again), so a draw no
    better than the best so far is turned down after a few names instead of all of them;
    the answer, when it is complete, is the same whatever the order of looking."""
    return [message for _, message in hidden_slips_by_name(stepper, asked, tolerance, limit, suspects)]


def hidden_slips_by_name(stepper: Stepper, asked: list[str], tolerance: Tolerance, limit: int | None = None,
                         suspects: list[str] | None = None) -> list[tuple[str, str]]:
    """``slip_faults``'s findings as (asked name, message) pairs."""
    wanted = set(asked)
    first = [name for name in dict.fromkeys(suspects or ()) if name in wanted]
    looked = set(first)
    order = first + [name for name in asked if name not in looked]
    found: dict[str, list[str]] = {}
    count = 0
    for name in order:
        messages = _hidden_slips(stepper, name, tolerance)
        if messages:
            found[name] = messages
            count += len(messages)
        if limit is not None and count >= limit:
            break
    return [(name, message) for name in asked for message in found.get(name, [])]


def _smallest_lead(layer: Pool, x: np.ndarray) -> float:
    """The smallest gap between the largest and the second largest value of any window."""
    g = layer.geometry
    planes = np.asarray(x).reshape(x.shape[0], g.channels, g.height * g.width)
    windows = planes[:, :, g.table.index]  # [B, C, P, K]
    if windows.shape[-1] < 2:
        return np.inf
    top2 = np.sort(windows, axis=-1)[..., -2:]
    return float(np.min(top2[..., 1] - top2[..., 0]))


def _hidden_slips(stepper: Stepper, name: str, tolerance: Tolerance) -> list[str]:
    """A slip at ``name`` that would not show, or that diagnosis would name wrongly."""
    exact = stepper.value(name)
    kind = parse_name(name).kind
    tol = tolerance.absolute(exact)
    decimals = tolerance.decimals_at(exact)
    first: dict[str, float] = {}
    for slip, alt in slip_values(stepper, name):
        moved = abs(alt - exact)
        if moved <= 1e-9:
            continue  # this slip gives the right value here: it cannot happen
        if slip in ONE_CANDIDATE and (slip in first or kind not in PAIRED):
            continue
        if moved < VISIBLE * tol:
            return [tr("{name}: the {slip} slip would move it by only {moved:.2g}", name=name, slip=slip, moved=moved)]
        first.setdefault(slip, alt)
    for slip, alt in first.items():
        found = diagnose(stepper, name, round(alt, decimals), decimals)
        if found is None or found.slip != slip:
            taken = found.slip if found else tr("no slip")
            return [tr("{name}: the {slip} slip would be taken for {taken}", name=name, slip=slip, taken=taken)]
    return []
