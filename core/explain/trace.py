"""Trace: which values one value's formula reads (its precedents), and which read it.

The precedents come from the very data the derivations are written from, so a trace can
never disagree with the formula the learner reads:

- a layer's terms (``net_terms``, ``out_terms``, ``input_grad_terms``,
  ``param_grad_terms``: core/nn/layers/terms.py), every operand of every term, not only
  the first few a derivation shows;
- the activation's, the loss's and the optimizer's formula builders, called with marker
  symbols: an operand is read exactly when its marker appears in the formula written;
- the explainer's own choices (the δ of a hidden layer writes its ∂E/∂a in, so it reads
  what that ∂E/∂a reads; an update with one sample writes a dense gradient in as δ·x).

Dependents are the inverse: every value (computed or not) whose precedents hold the
value, found among the layers that can read it, and kept per stepper state.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterator
from functools import partial
from math import prod
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar, overload

import numpy as np

from core.engine.quantities import KINDS, QuantityRef, format_index, parse_name
from core.engine.quantity_shapes import check_index, quantity_shape
from core.errors import QuantityError
from core.i18n import tr
from core.nn.activations import Written
from core.nn.layers import Layer
from core.nn.layers.terms import Ref, Terms
from core.nn.losses import LossText
from core.nn.optim import Hyper, Term, UpdateContext, get_optimizer

if TYPE_CHECKING:
    from core.engine.stepper import Stepper

EVERY = 1 << 30  # a term limit that keeps every term
ROLES = ("param", "value", "gradient", "chosen")  # how a marked value is shown


class Link(NamedTuple):
    """One marked value: its quantity name and its role (``param`` a weight, bias or
    optimizer state; ``value`` a forward value; ``gradient`` a backward one; ``chosen``
    the one a max picked)."""

    name: str
    role: str


class Trace(NamedTuple):
    """The values linked to ``name``: what it reads (``reads``) or what reads it."""

    name: str
    direction: str  # "reads" (precedents) or "read by" (dependents)
    links: tuple[Link, ...]

    @property
    def names(self) -> frozenset[str]:
        return frozenset(link.name for link in self.links)

    def role_of(self, name: str) -> str | None:
        for link in self.links:
            if link.name == name:
                return link.role
        return None

    def by_role(self) -> dict[str, list[str]]:
        """The linked names grouped by role, in ``ROLES`` order, each in trace order."""
        groups: dict[str, list[str]] = {}
        for role in ROLES:
            names = [link.name for link in self.links if link.role == role]
            if names:
                groups[role] = names
        return groups


def role_of_kind(kind: str) -> str:
    """How a quantity of ``kind`` is marked: by the stage the registry gives it."""
    k = KINDS.get(kind)
    if k is None:
        return "value"
    if k.stage == "backward":
        return "gradient"
    if k.stage == "update" or (k.stage == "given" and not k.top):
        return "param"
    return "value"


_ROLES: dict[str, str] = {}


def _link(name: str, chosen: bool = False) -> Link:
    """``name`` (a name this module wrote, so well formed) with the role of its kind."""
    if chosen:
        return Link(name, "chosen")
    kind = name.partition("[")[0].rpartition(".")[2]  # "fc.weight[0,1]" → weight, "input[0]" → input
    role = _ROLES.get(kind)
    if role is None:
        role = _ROLES[kind] = role_of_kind(kind)
    return Link(name, role)


def precedents(stepper: Stepper, name: str) -> Trace:
    """Every value the formula of ``name`` reads. QuantityError for a name that does not exist."""
    ref = parse_name(name)
    shape = quantity_shape(stepper.network, stepper.batch_size, ref)
    check_index(shape, ref, require_scalar=True)
    try:
        found = _Reads(stepper).of(ref)
    except (TypeError, IndexError, KeyError, AssertionError):
        if stepper.array(ref.array_name) is not None:
            raise
        # what it reads is decided by values not computed yet (the max a pool will pick)
        raise QuantityError(tr("{ref} is not computed yet: what it reads follows from the forward pass",
                                ref=ref)) from None
    seen: dict[str, Link] = {}
    for link in found:
        if link.name == str(ref):
            continue
        if link.name not in seen or link.role == "chosen":
            seen[link.name] = link
    return Trace(str(ref), "reads", tuple(seen.values()))


def dependents(stepper: Stepper, name: str) -> Trace:
    """Every value whose formula reads ``name`` (the way a gradient fans out)."""
    found = ReaderIndex.of(stepper).dependents(name)
    assert found is not None  # nothing asked it to stop
    return found


class _Stopped(Exception):
    """The one who asked for dependents no longer wants them."""


class ReaderIndex:
    """The inverse of ``precedents`` over the values of one stepper state, built a layer at a
    time as dependents are asked for. It reads a snapshot (the state it was made on), so a
    UI may fill it in the background while the learner steps on."""

    def __init__(self, stepper: Stepper) -> None:
        self.st = copy.copy(stepper)  # its ``state`` stays the one this index was made on
        self.state = stepper.state
        self.reads = _Reads(self.st)
        self._by_scope: dict[str, dict[str, list[str]]] = {}
        self._stop: Callable[[], bool] | None = None

    @staticmethod
    def of(stepper: Stepper) -> ReaderIndex:
        """The index of the stepper's current state (kept with the stepper, made anew after a change)."""
        held: ReaderIndex | None = stepper.__dict__.get("_trace_readers")
        if held is None or held.state is not stepper.state:
            held = ReaderIndex(stepper)
            stepper.__dict__["_trace_readers"] = held
        return held

    def dependents(self, name: str, stop: Callable[[], bool] | None = None) -> Trace | None:
        """What reads ``name``; None when ``stop()`` turned true on the way (a UI moved on)."""
        ref = parse_name(name)
        shape = quantity_shape(self.st.network, self.st.batch_size, ref)
        check_index(shape, ref, require_scalar=True)
        target = str(ref)
        self._stop = stop
        try:
            found = self.readers(ref, target)
        except _Stopped:
            return None
        finally:
            self._stop = None
        return Trace(target, "read by", tuple(_link(reader) for reader in found))

    def unindexed(self, name: str) -> int:
        """How many values ``dependents(name)`` still has to read the formulas of (0: at once)."""
        ref = parse_name(name)
        return sum(self._size(scope) for scope in self._scopes(ref) if scope not in self._by_scope)

    def _size(self, scope: str) -> int:
        net = self.st.network
        if scope == "loss":
            return 1
        layer = net.layer(scope)
        return sum(prod(quantity_shape(net, self.st.batch_size, QuantityRef(scope, kind)))
                   for kind in net.kinds(layer) if kind not in ("weight", "bias"))

    def readers(self, ref: QuantityRef, target: str) -> list[str]:
        found: list[str] = []
        for scope in self._scopes(ref):
            for reader in self._index(scope).get(target, []):
                if reader not in found:
                    found.append(reader)
        return found

    def _scopes(self, ref: QuantityRef) -> list[str]:
        """The layers (and ``loss``) whose values may read ``ref``: its own layer, the
        layers that read it and the layers it reads (their ∂E/∂a reads its δ and weights)."""
        net = self.st.network
        names: list[str] = []
        if ref.layer is None:
            if ref.kind == "input":
                names = [layer.name for layer in net.layers if "input" in net.inputs_of(layer.name)]
            elif ref.kind == "target":
                names = [net.layers[-1].name]
            return [*names, "loss"]
        names = [ref.layer, *(reader for reader, _ in net.readers_of(ref.layer)),
                 *(src for src in net.inputs_of(ref.layer) if src != "input")]
        if ref.layer == net.layers[-1].name:
            names.append("loss")
        return list(dict.fromkeys(names))

    def _index(self, scope: str) -> dict[str, list[str]]:
        held = self._by_scope.get(scope)
        if held is None:
            readers: dict[str, dict[str, None]] = {}  # what is read → its readers, in order, once each
            for count, (name, ref) in enumerate(self._names(scope)):
                if self._stop is not None and count % 256 == 0 and self._stop():
                    raise _Stopped
                try:
                    links = self.reads.of(ref)
                except (LookupError, TypeError, ValueError, AttributeError, AssertionError):
                    continue  # not computable yet (a max's winner before the forward pass)
                for link in links:
                    if link.name != name:
                        found = readers.get(link.name)
                        if found is None:
                            found = readers[link.name] = {}
                        found[name] = None
            held = {read: list(found) for read, found in readers.items()}
            self._by_scope[scope] = held
        return held

    def _names(self, scope: str) -> Iterator[tuple[str, QuantityRef]]:
        net = self.st.network
        if scope == "loss":
            yield "loss", QuantityRef(None, "loss")
            return
        layer = net.layer(scope)
        for kind in net.kinds(layer):
            if kind in ("weight", "bias"):
                continue  # given: they read nothing
            array = f"{scope}.{kind}"
            shape = quantity_shape(net, self.st.batch_size, QuantityRef(scope, kind))
            for idx in np.ndindex(*shape):
                index = tuple(int(i) for i in idx)
                yield array + format_index(index), QuantityRef(scope, kind, index)


class _Reads:
    """The precedents of one value, from the layers' terms and the formula builders."""

    def __init__(self, stepper: Stepper) -> None:
        self.st = stepper
        self.network = stepper.network
        self.batch = stepper.batch_size
        self._operands: dict[tuple[object, ...], str] = {}
        self._links: dict[str, Link] = {}
        self._grad_reads: dict[tuple[str, int, tuple[int, ...]], list[Link]] = {}

    # --- names ------------------------------------------------------------------------
    def shown(self, b: int, idx: tuple[int, ...]) -> str:
        return format_index((b, *idx) if self.batch > 1 else idx)

    def split(self, ref: QuantityRef) -> tuple[int, tuple[int, ...]]:
        assert ref.index is not None
        return (ref.index[0], ref.index[1:]) if self.batch > 1 else (0, ref.index)

    def own(self, layer: str, kind: str, b: int, idx: tuple[int, ...]) -> str:
        return f"{layer}.{kind}{self.shown(b, idx)}"

    def top(self, kind: str, b: int, idx: tuple[int, ...]) -> str:
        return f"{kind}{self.shown(b, idx)}"

    def operand(self, layer: Layer, ref: Ref) -> str:
        """The quantity name of one operand of ``layer``'s terms ("" for a value no quantity
        names: a state as it was before this iteration's forward pass), named once."""
        key = (layer.name, ref.kind, ref.index, ref.sample, ref.source, ref.before)  # hashed as plain data
        held = self._operands.get(key)
        if held is None:
            held = self._operands[key] = self._operand(layer, ref)
        return held

    def _operand(self, layer: Layer, ref: Ref) -> str:
        if getattr(ref, "is_layer_array", False):  # one array of the layer's, no sample
            return "" if getattr(ref, "before", False) else f"{layer.name}.{ref.kind}{format_index(ref.index)}"
        if ref.is_param:
            return f"{layer.name}.{ref.kind}{format_index(ref.index)}"
        if ref.kind == "x":
            src = self.network.inputs_of(layer.name)[ref.source]
            return self.top("input", ref.sample, ref.index) if src == "input" else \
                self.own(src, "out", ref.sample, ref.index)
        return self.own(layer.name, ref.kind, ref.sample, ref.index)

    def cache(self, layer: str) -> Any:
        """What a layer's forward pass left for its terms (a max's choices), or None while its
        output is not computed (a cache left from before an edit would name old choices)."""
        return self.st.cache(layer) if self.st.array(f"{layer}.out") is not None else None

    def terms(self, layer: Layer, terms: Terms) -> list[Link]:
        """Every operand of the terms (and the bias); an operand a note names that is also
        a term (a max's winner) is the chosen one."""
        operands = [self.operand(layer, f) for term in terms.terms for f in term.factors]
        if terms.bias is not None:
            operands.append(self.operand(layer, terms.bias))
        named = {self.operand(layer, r) for n in terms.notes for r in n.refs} if terms.combine == "max" else set()
        return [self.link(name, chosen=name in named) for name in operands]

    def link(self, name: str, chosen: bool = False) -> Link:
        """``_link``, each name's made once (a value is read by many)."""
        if chosen:
            return _link(name, True)
        held = self._links.get(name)
        if held is None:
            held = self._links[name] = _link(name)
        return held

    def whole(self, array: str, b: int | None = None) -> list[Link]:
        """Every value of an array (of sample ``b`` only, when given)."""
        shape = quantity_shape(self.network, self.batch, parse_name(array))
        if b is not None and self.batch > 1:
            shape = shape[1:]
            return [_link(f"{array}{format_index((b, *(int(i) for i in idx)))}") for idx in np.ndindex(*shape)]
        return [_link(f"{array}{format_index(tuple(int(i) for i in idx))}") for idx in np.ndindex(*shape)]

    # --- dispatch ---------------------------------------------------------------------
    def of(self, ref: QuantityRef) -> list[Link]:
        if ref.layer is None:
            return self.loss() if ref.kind == "loss" else []
        layer = self.network.layer(ref.layer)
        if ref.kind in self.network.state_kinds_of(layer):
            return self.update(layer, ref, ref.kind.rpartition("_")[0], ref.kind.rpartition("_")[2])
        if ref.kind.startswith("new_"):
            return self.update(layer, ref, "new", ref.kind[4:])
        if ref.kind in layer.own_kinds():  # a layer's own kinds (batch norm's μ, σ²)
            return self.own_kind(layer, ref)
        method = {"net": self.net, "out": self.out, "grad_out": self.grad_out, "delta": self.delta,
                  "grad_weight": self.param_grad, "grad_bias": self.param_grad}.get(ref.kind)
        return method(layer, ref) if method is not None else []  # weight, bias: given

    def own_kind(self, layer: Layer, ref: QuantityRef) -> list[Link]:
        """A value of one of the layer's own kinds: what the layer's own formula of it names."""
        kind = KINDS.get(ref.kind)
        if kind is None or kind.stage == "given":
            return []
        b, idx = self.split(ref) if kind.per_sample else (0, ref.index or ())
        return self.recorded(layer, lambda w: layer.own_formula(ref.kind, b, idx, w))

    @overload
    def recorded(self, layer: Layer, write: Callable[[Any], Any]) -> list[Link]: ...

    @overload
    def recorded(self, layer: Layer, write: Callable[[Any], Any], wrote: bool) -> list[Link] | None: ...

    def recorded(self, layer: Layer, write: Callable[[Any], Any], wrote: bool = False) -> list[Link] | None:
        """The operands a formula the layer writes itself asks its writer for (the explainer's
        own writer, so it takes the branches its derivation takes). ``wrote``: None when the
        layer wrote nothing (it leaves the value to its terms)."""
        from core.explain.explainer import layer_writer  # (not for the first frame's trace: issue 15)

        recorder = _Recorder(partial(layer_writer, self.st, self.network.index_of(layer.name), layer))
        if write(recorder) is None and wrote:
            return None
        return [_link(name) for name in (self.operand(layer, r) for r in recorder.refs) if name]

    def net(self, layer: Layer, ref: QuantityRef) -> list[Link]:
        b, idx = self.split(ref)
        return self.terms(layer, layer.net_terms(b, idx, EVERY))

    def out(self, layer: Layer, ref: QuantityRef) -> list[Link]:
        b, idx = self.split(ref)
        if not layer.has_net:
            cache = self.cache(layer.name)
            # a layer that writes its output itself (dropout's x·mask/(1 − p)); None: from its terms
            own = self.recorded(layer, lambda w: layer.out_formula(cache, b, idx, w), wrote=True)
            if own is not None:
                return own
            return self.terms(layer, layer.out_terms(cache, b, idx, EVERY))
        act = layer.activation
        assert act is not None
        if act.value_text is None:  # softmax: every net of the sample
            return self.whole(f"{layer.name}.net", b)
        return [_link(self.own(layer.name, "net", b, idx))]

    def loss(self) -> list[Link]:
        last = self.network.layers[-1].name
        return self.whole(f"{last}.out") + self.whole("target")

    def grad_out(self, layer: Layer, ref: QuantityRef) -> list[Link]:
        b, idx = self.split(ref)
        return self.grad_out_reads(layer, b, idx)

    def grad_out_reads(self, layer: Layer, b: int, idx: tuple[int, ...]) -> list[Link]:
        """What ∂E/∂a of ``layer`` at (b, idx) is written from: the loss's gradient at the
        output, else what each layer reading it sends back (its terms). Found once: the δ
        of the same element reads it too. The list is shared: never change it."""
        key = (layer.name, b, idx)
        held = self._grad_reads.get(key)
        if held is None:
            held = self._grad_reads[key] = self._grad_out_reads(layer, b, idx)
        return held

    def _grad_out_reads(self, layer: Layer, b: int, idx: tuple[int, ...]) -> list[Link]:
        net = self.network
        if layer is net.layers[-1]:
            k = int(np.ravel_multi_index(idx, layer.out_shape))
            a, y = self.own(layer.name, "out", b, idx), self.top("target", b, (k,))
            count = int(np.prod(layer.out_shape))
            sym, _ = net.loss.grad_text(LossText("⟪y⟫", "⟪a⟫", 0.5, 0.5, count, _num, _num))
            return [_link(n) for n, mark in ((a, "⟪a⟫"), (y, "⟪y⟫")) if mark in sym]
        found: list[Link] = []
        for reader, source in net.readers_of(layer.name):
            above = net.layer(reader)
            cache = self.cache(reader)
            # a route the layer writes itself (batch norm's three terms); None: from its terms
            own = self.recorded(above, partial(_route, above.input_grad_formula, cache, b, idx, source), wrote=True)
            if own is not None:
                found += own
                continue
            found += self.terms(above, above.input_grad_terms(cache, b, idx, EVERY, source))
        return found

    def delta(self, layer: Layer, ref: QuantityRef) -> list[Link]:
        b, idx = self.split(ref)
        act = layer.activation
        assert act is not None
        name = layer.name
        net = self.network
        a = self.own(name, "out", b, idx)
        if layer is net.layers[-1] and net.fused is not None:
            k = int(np.ravel_multi_index(idx, layer.out_shape))
            given = self.st.batched("target")
            total = 1.0 if given is None else float(given[b].sum())
            # the fused δ as the loss writes it: a sum over the targets (softmax + cross-entropy
            # on targets that do not sum to 1: a·Σ_j y_j − y) reads every target of the sample
            formula, _, _ = net.fused.delta_text(LossText("⟪y⟫", "⟪a⟫", 0.5, 0.5, int(np.prod(layer.out_shape)),
                                                          _num, _num, total=total))
            targets = self.whole("target", b) if "Σ" in formula else [_link(self.top("target", b, (k,)))]
            return [_link(a), *targets]
        gradient = self.grad_out_reads(layer, b, idx)
        if act.slope_text is None:  # softmax's Jacobian: every a and ∂E/∂a of the sample
            return [_link(a), *gradient, *self.whole(f"{name}.out", b), *self.whole(f"{name}.grad_out", b)]
        slope, _ = act.slope_text(Written("⟪z⟫", 0.5, "⟪a⟫", 0.5, _num, _num, act.settings))
        own = [_link(n) for n, mark in ((self.own(name, "net", b, idx), "⟪z⟫"), (a, "⟪a⟫")) if mark in slope]
        return gradient + own

    def param_grad(self, layer: Layer, ref: QuantityRef) -> list[Link]:
        assert ref.index is not None
        return self.terms(layer, layer.param_grad_terms(ref.kind[5:], ref.index, self.batch, EVERY))

    def update(self, layer: Layer, ref: QuantityRef, step_kind: str, param: str) -> list[Link]:
        """One step of the optimizer's derivation, written with markers for the parameter,
        its gradient (or the δ·x it is written as) and each state kind before and after: a
        step reads what its formula names, and what the earlier steps it names (g, m̂) read."""
        assert ref.index is not None
        index = ref.index
        name = layer.name
        old = f"{name}.{param}{format_index(index)}"
        if param in layer.frozen:
            return [_link(old)]
        optimizer = get_optimizer(self.st.scenario.optimizer.type)
        kinds = optimizer.state_kinds
        markers = {kind: i for i, kind in enumerate(kinds)}
        ctx = self.update_context(layer, param, index, kinds)
        ctx = ctx._replace(old_symbol=_OLD, new_symbol=_NEW, grad_term=Term(_GRAD, "0.5"), grad_note="",
                      num=_num, factor=_num,
                      state_symbol=lambda kind, after: f"⟪{3 + markers[kind]}:{int(after)}⟫")
        reads: dict[str, list[Link]] = {}  # an earlier, unstored step's symbol → what it reads
        for step in optimizer.derive(ctx):
            found = self.marked(layer, param, index, step.formula, kinds)
            bare = _MARKER.sub(" ", step.formula)
            for symbol, more in reads.items():
                if symbol in bare:
                    found += more
            if step.kind == step_kind:
                return found
            if step.kind != "new" and step.kind not in kinds:
                reads[step.symbol] = found
        return []

    def update_context(self, layer: Layer, param: str, index: tuple[int, ...],
                       kinds: tuple[str, ...]) -> UpdateContext:
        """The explainer's own context of this entry (so the optimizer takes the branch its
        derivation takes), or, before the update is computed, one with the same state."""
        from core.explain.explainer import update_context

        try:
            return update_context(self.st, self.network.index_of(layer.name), layer, param, index)
        except (LookupError, TypeError, ValueError, QuantityError):
            before = {k: 0.5 for k in kinds if f"{layer.name}.{k}_{param}" in self.st.optimizer_state.buffers}
            hyper = Hyper(self.st.scenario.learning_rate, self.st.optimizer_state.step + 1,
                          self.st.scenario.optimizer.options)
            return UpdateContext(param=param, word=param[0], old=0.5, grad=0.5, new=0.5, old_symbol="",
                                 new_symbol="", grad_term=Term("", ""), grad_note="", state_before=before,
                                 state_after={k: 0.5 for k in kinds}, hyper=hyper, num=_num, factor=_num,
                                 state_symbol=lambda kind, after: "")

    def marked(self, layer: Layer, param: str, index: tuple[int, ...], formula: str,
               kinds: tuple[str, ...]) -> list[Link]:
        """The stored values a formula written with markers names."""
        name, at = layer.name, format_index(index)
        found: list[Link] = []
        if _OLD in formula:
            found.append(_link(f"{name}.{param}{at}"))
        if _GRAD in formula:
            from core.explain.explainer import gradient_written_in

            if gradient_written_in(layer, self.batch):
                factors = layer.param_grad_terms(param, index, 1, 1).terms[0].factors
                found += [_link(self.operand(layer, f)) for f in factors]
            else:
                found.append(_link(f"{name}.grad_{param}{at}"))
        own = self.network.kinds(layer)
        for i, kind in enumerate(kinds):
            after = f"{kind}_{param}"
            if f"⟪{3 + i}:1⟫" in formula and after in own:
                found.append(_link(f"{name}.{after}{at}"))
            if f"⟪{3 + i}:0⟫" in formula:  # the state it starts from, where the layer shows it as a value
                found += [_link(f"{name}.{k}{at}") for k in own
                          if k != after and k.endswith(f"_{after}") and getattr(KINDS.get(k), "stage", "") == "given"]
        return found


T = TypeVar("T")


class _Recorder:
    """A Writer (core/nn/layers/terms) that notes every operand asked of it, then answers
    as the explainer's own writer does."""

    def __init__(self, make: Callable[[], Any]) -> None:
        self._make = make  # the explainer's writer, made when the layer first asks (most write nothing)
        self._writer: Any = None
        self.limit = EVERY  # every term of a long sum
        self.refs: list[Ref] = []

    @property
    def _w(self) -> Any:
        if self._writer is None:
            self._writer = self._make()
        return self._writer

    @property
    def batch(self) -> int:
        return int(self._w.batch)

    @property
    def loss_symbol(self) -> str:
        return str(self._w.loss_symbol)

    def sym(self, ref: Ref) -> str:
        self.refs.append(ref)
        return str(self._w.sym(ref))

    def val(self, ref: Ref) -> float:
        self.refs.append(ref)
        return float(self._w.val(ref))

    def n(self, value: float) -> str:
        return str(self._w.n(value))

    def p(self, value: float) -> str:
        return str(self._w.p(value))

    def terms(self, terms: Terms) -> Any:
        self.refs += [f for term in terms.terms for f in term.factors]
        if terms.bias is not None:
            self.refs.append(terms.bias)
        return self._w.terms(terms)

    def once(self, key: tuple[object, ...], make: Callable[[], T]) -> T:
        """Made anew each time: what it reads is noted for every value that asks."""
        return make()


def _route(formula: Callable[..., Any], cache: Any, b: int, idx: tuple[int, ...], source: int, w: Any) -> Any:
    """A layer's own route of the input gradient, written with ``w``."""
    return formula(cache, b, idx, w, source)


_OLD, _NEW, _GRAD = "⟪0⟫", "⟪1⟫", "⟪2⟫"
_MARKER = re.compile(r"⟪\d+(?::\d)?⟫")


def _num(value: float) -> str:
    return f"{value:g}"



