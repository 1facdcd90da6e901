"""Which values a student must work out: ``--ask SCOPE``, scoped as the quiz is.

A scope is a comma-separated list of items, joined (a value is asked when any item picks
it): a stage group of the quiz (``all``, ``forward``, ``deltas``, ``gradients``,
``updates``), a kind (``delta``, ``new_weight``), a layer (``fc``), a layer's group
(``fc:deltas``), a layer's kind (``fc.delta``), one value (``fc.delta[0]``) or ``loss``.
Values are listed in the order an iteration computes them.
"""

from __future__ import annotations

import re

import numpy as np

from core.engine.quantities import KINDS, format_index, parse_name
from core.engine.stepper import Stepper
from core.errors import CnnTuiError, QuantityError
from core.i18n import tr
from core.learner.quiz import KIND_GROUPS, UPDATES
from core.text import quote

MAX_ASKED = 200  # values one student's sheet may ask for
DEFAULT_SCOPE = "all"
_ITEM = re.compile(r"\s*((?:[^,\[]|\[[^\]]*\])+)\s*(?:,|$)")


class ScopeError(CnnTuiError):
    """An ``--ask`` scope names nothing this network computes, or too much."""


def computed_order(stepper: Stepper) -> list[str]:
    """Every array an iteration computes, in the order it computes them (the stepper must
    be at the start of an iteration; it is stepped to the end)."""
    order: list[str] = []
    seen = set(stepper.state.values)
    while stepper.phase().stage != "done":
        stepper.step_next()
        for key in stepper.state.values:
            if key not in seen:
                seen.add(key)
                order.append(key)
    return order


def split_scope(scope: str) -> list[str]:
    """``fc.delta, conv.weight[0,1]`` → ``['fc.delta', 'conv.weight[0,1]']`` (commas inside
    brackets belong to the index)."""
    items = [m.group(1).strip() for m in _ITEM.finditer(scope) if m.group(1).strip()]
    if not items:
        raise ScopeError(tr("--ask names nothing: give a stage (forward, deltas, gradients, updates, all), "
                            "a layer, a kind or value names, separated by commas"))
    return items


def asked_names(stepper: Stepper, scope: str = DEFAULT_SCOPE, limit: int = MAX_ASKED) -> list[str]:
    """The element names ``scope`` picks, in computation order; the stepper ends at the end
    of its iteration. ScopeError for an item that picks nothing or a scope over ``limit``."""
    order = computed_order(stepper)
    network = stepper.network
    layers = [layer.name for layer in network.layers]
    state_kinds = tuple(network.state_kinds())
    elements = _Elements(stepper)
    picked: set[str] = set()
    picked_arrays: set[str] = set()
    for item in split_scope(scope):
        chosen = _pick(item, order, elements, layers, state_kinds)
        if not chosen:
            raise ScopeError(tr("--ask {item} picks no value this scenario computes in an iteration "
                                "(expected a stage: {stages}; a layer: {layers}; "
                                "a kind such as delta; or a name such as fc.delta[0])",
                                item=quote(item, 40), stages=", ".join(KIND_GROUPS), layers=", ".join(layers)))
        picked.update(chosen)
        picked_arrays.update(name.split("[")[0] for name in chosen)
    names = [name for key in order if key in picked_arrays for name in elements[key] if name in picked]
    if len(names) > limit:
        raise ScopeError(tr("--ask {scope} asks {n:,} values; a sheet asks at most {limit}: "
                            "narrow it to a layer (fc), a stage (deltas) or a kind (fc.delta)",
                            scope=quote(scope, 40), n=len(names), limit=limit))
    return names


class _Elements(dict[str, list[str]]):
    """The element names of each computed array, spelled out only when asked for (a large
    network has tens of thousands)."""

    def __init__(self, stepper: Stepper) -> None:
        super().__init__()
        self.stepper = stepper

    def __missing__(self, key: str) -> list[str]:
        arr = self.stepper.array(key)
        if arr is None:
            names: list[str] = []
        elif np.ndim(arr) == 0:
            names = [key]
        else:
            names = [key + format_index(tuple(int(i) for i in idx)) for idx in np.ndindex(np.shape(arr))]
        self[key] = names
        return names


def _pick(item: str, order: list[str], elements: _Elements, layers: list[str],
          state_kinds: tuple[str, ...]) -> list[str]:
    def kinds_of(group: str) -> tuple[str, ...] | None:
        if group == "updates":
            return (*UPDATES, *state_kinds)
        return KIND_GROUPS[group]

    def keys(layer: str | None, wanted: tuple[str, ...] | None) -> list[str]:
        out = []
        for key in order:
            name, _, kind = key.partition(".")
            if key == "loss":
                name, kind = "", "loss"
            if (layer is None or name == layer) and (wanted is None or kind in wanted):
                out += elements[key]
        return out

    if item in KIND_GROUPS:
        return keys(None, kinds_of(item))
    if item == "loss":
        return keys(None, ("loss",))
    if item in layers:
        return keys(item, None)
    if ":" in item:
        layer, _, group = item.partition(":")
        if layer.strip() in layers and group.strip() in KIND_GROUPS:
            return keys(layer.strip(), kinds_of(group.strip()))
        return []
    if item in KINDS:
        return keys(None, (item,))
    try:
        ref = parse_name(item)
    except QuantityError:
        return []
    if ref.array_name not in order:
        return []
    if ref.index is None:
        return list(elements[ref.array_name])
    name = str(ref)
    return [name] if name in elements[ref.array_name] else []
