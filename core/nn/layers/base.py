"""The layer interface: one module per layer type owns everything about that type.

A layer class (``dense.py``, ``conv.py``, ``pool.py``, ``flatten.py`` …) declares, and
``register`` checks when the module is imported (a gap fails loudly, it never falls
through to another layer's formula):

==========================  ==============================================================
``type_names``              the scenario ``type:`` values it builds (``conv1d``, ``conv2d``)
``fields``                  its own scenario fields (``Field``: units, kernel, stride …);
                            core/scenario/load validates them from these declarations.
                            ``activated = True`` adds ``activation`` (and that activation's
                            own fields); ``param_names`` adds ``weight``, ``bias``,
                            ``frozen``, ``init``
``examples``                (input shape, spec) per type name: the registry test builds a
                            network from each and checks gradients, explanations, torch
``from_spec``               shape inference and the fit checks; a misfit raises
                            ScenarioError naming the field (``layers[1].kernel``)
``spec_size``               its sizes from the spec alone (the loader's memory budget)
``param_shapes``, ``fans``  parameters (PyTorch layout) and the initialisers' fans
``forward``, ``input_grad``,
``param_grads``             the maths (vectorised over the batch)
``kinds``                   the quantity kinds it has (names from core/engine/quantities)
``net_terms``               (layers with a net) what z[b, i] sums: w·x terms + b
``out_terms``               (layers without) what out[b, i] is: max/mean of a window, a copy
``input_grad_terms``        the route of the input gradient: what ∂E/∂x[b, i] of its
                            ``source``-th input gathers from this layer's δ (layers with a
                            net) or ∂E/∂out (the others)
``param_grad_terms``        what ∂E/∂weight[i] and ∂E/∂bias[i] sum over the batch
``torch_lines``             its forward line(s) in the PyTorch export: read ``h``, set
                            ``z`` (layers with a net: the activation follows) or ``h``;
                            parameters through ``torch_param`` (keys escaped)
``gradient_is_one_product`` (dense) with one sample each parameter's gradient is one
                            product, so the update's derivation writes it in
``slip_routes``             its share of slip diagnosis: what ∂E/∂x[b, i] would be after
                            a known hand slip (``pool-route``, ``transposed-index``)
==========================  ==============================================================

A layer may own more than the shared kinds (batch norm's statistics, dropout's mask) and
carry state from one iteration to the next. It says so here, and the stepper, training,
explain, save/load, ``solve``, the panels and the PyTorch export read it (none of them
switches on a layer's type):

==========================  ==============================================================
``own_kinds()``             its extra quantity kinds → shape (per sample for a per-sample
                            kind, whole otherwise), in reading order; each kind is one entry
                            in core/engine/quantities KINDS (its stage, per-sample, editable)
``state_defaults``          kinds that persist across iterations → fill value of their
                            default (``running_mean``: 0). A file may give the starting
                            value under the kind's name; the quantity reports the value
                            after this iteration's forward; the next iteration starts from
                            it; saving writes it back
``given_kinds``             per-sample kinds given at the start of every iteration
                            (``mask``): drawn by ``draw(kind, rng, batch)`` from the
                            scenario's seed and the iteration, or for iteration 1 taken from
                            the file's field of that name; editable like an input
                            (``given_refusal`` says what a value may not be)
``batch_refusal``           a message when the layer cannot work on batches of that size
``forward_in``              the forward pass with a ``Context`` (training or evaluation,
                            its state before this forward, this iteration's given arrays);
                            returns a ``Forward``: net, out, cache and ``values``, the
                            arrays of its own computed kinds (the state after, included).
                            The default calls ``forward_many``, so a plain layer ignores it
``own_formula``             the derivation of one value of an own computed kind, written
                            with a ``Writer`` (symbols and numbers from explain)
``out_formula``             optional, a layer without a net: out written out (dropout)
``input_grad_formula``      optional: the route of ∂E/∂x as a ``Formula`` when it is no sum
                            of products (batch norm's three-term formula); None: the terms
``own_slips``, ``input_slips``  its share of slip diagnosis for its own kinds and out, and
                            for the gradient it sends back (values computed with a Writer)
``torch_lines``             may also set ``kept['LAYER.KIND']`` for its own kinds and read
                            ``state[...]``/``given[...]`` (see core/exports/pytorch)
==========================  ==============================================================

Terms are plain data (``terms.py``): core/explain writes them as formulas with numbers,
so this package imports nothing of core but core.errors, core.numbers and core.text.
The shared parts (the activation's a = f(z) and δ = ∂E/∂a·f′, the loss, the fused
softmax + cross-entropy δ, given values, the update) are not a layer's business.

Every array carries a leading batch axis. A layer object is stateless: parameters and
state come in as dicts, so the stepper can keep the forward pass's values apart from
updated ones (and undo is a shallow copy).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar, NamedTuple, Protocol, TypeVar

import numpy as np

from core.nn.activations import Activation, softmax_backward
from core.nn.layers.terms import Formula, Terms, Writer
from core.text import python_literal

Params = dict[str, np.ndarray]
Spec = Mapping[str, Any]  # a validated layer spec: name, type, its fields, activation …
FIELD_KINDS = ("count", "size", "offset", "number")
_NO_ARRAYS: Mapping[str, np.ndarray] = {}


def _nothing() -> None:
    """What is left of a ``param_grads`` taken whole (``Layer.param_grads_parts``)."""


def shape_text(shape: tuple[int, ...]) -> str:
    """``(2, 3)`` → ``[2, 3]``, as messages and the contract write shapes."""
    return "[" + ", ".join(str(s) for s in shape) + "]"


class Field(NamedTuple):
    """One scenario field of a layer type.

    ``kind``: ``count`` a whole number ≥ 1; ``size`` a whole number ≥ 1, or [height, width]
    on a 2-D layer; ``offset`` the same but ≥ 0; ``number`` a finite number within ``low``
    … ``high`` (``high_open``: below ``high``; ``low_open``: above ``low``). ``default`` is a value, or ``"=name"`` to
    copy another field (a pool's stride defaults to its size). ``hint`` completes the
    message for a missing required field: "a dense layer needs 'units' (its number of
    neurons)". ``start``: what a layer added in the editor begins with (a required field's
    first guess, which the learner then changes); None: the field is left out.
    """

    name: str
    kind: str
    required: bool = False
    default: Any = None
    hint: str = ""
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False
    start: Any = None

    def __post_init__(self) -> None:
        if self.kind not in FIELD_KINDS:
            raise ValueError(f"field {self.name}: unknown kind {self.kind!r}")


class SpecSize(NamedTuple):
    """What a layer would need, worked out from its spec alone (nothing built), so the
    loader can refuse a file that asks for too much before allocating anything."""

    out_shape: tuple[int, ...]  # per sample
    kept: int  # values the stepper keeps per sample (net, out, grad_out, delta, caches)
    parameters: int
    window: tuple[int, int] | None = None  # a window layer's (kh, kw)
    window_field: str = ""  # the field that sets the window (kernel, size)
    window_entries: int = 0  # its index table: positions × window elements (once)

    @property
    def out(self) -> int:
        """Values of its output, per sample."""
        n = 1
        for s in self.out_shape:
            n *= s
        return n


class BatchHalves(Protocol):
    """Half of a training batch in a pass of its own (core/engine/batch_halves.py), and the
    way to the other half: a layer whose maths couples the samples (batch norm's statistics)
    takes each sum over the batch as this half's sum plus the other's."""

    batch: int  # the whole batch's samples (this pass has half of them)

    def add(self, partial: np.ndarray) -> np.ndarray:
        """The first half's ``partial`` plus the second's (in that order, in both halves)."""
        ...


class Context(NamedTuple):
    """What a forward pass gives a layer besides its parameters and inputs.

    ``training``: an iteration (batch statistics, dropout's mask) or held-out evaluation
    (running statistics, no dropout); ``state``: the layer's persistent state before this
    forward, by kind (``running_mean``); ``given``: this iteration's given arrays by kind
    (``mask``, batch axis first); ``rounding``: given each intermediate the learner writes
    down and its kind (batch norm's ``mean``, ``var``, ``xhat``; "" for one that is no
    quantity), returns what the next step goes on with: rounded under hand-rounding, the
    student's own values in the teacher's carried-forward walk (None: exact); ``halves``:
    this pass is half of a training batch (None: the whole batch)."""

    training: bool = True
    state: Mapping[str, np.ndarray] = _NO_ARRAYS
    given: Mapping[str, np.ndarray] = _NO_ARRAYS
    rounding: Callable[[np.ndarray, str], np.ndarray] | None = None
    halves: BatchHalves | None = None


EVALUATE = Context(training=False)


class Forward(NamedTuple):
    """A layer's forward result: net (None without one), out, the cache its backward
    reads, and ``values``, the arrays of its own computed kinds (batch statistics, x̂, the
    state after this forward), by kind."""

    net: np.ndarray | None
    out: np.ndarray
    cache: Any = None
    values: Mapping[str, np.ndarray] = _NO_ARRAYS


class Layer:
    """Base class: shapes, activation handling and the names of quantities it has."""

    type_names: ClassVar[tuple[str, ...]] = ()
    fields: ClassVar[tuple[Field, ...]] = ()
    activated: ClassVar[bool] = False  # takes an ``activation`` (and that activation's fields)
    # with one sample, every parameter's gradient is one product (δ·x, δ): an update's
    # derivation may write it in (dense) rather than name ∂E/∂w (conv: a sum over positions)
    gradient_is_one_product: ClassVar[bool] = False
    examples: ClassVar[tuple[tuple[tuple[int, ...], dict[str, Any]], ...]] = ()
    kind: str = "layer"
    param_names: tuple[str, ...] = ()
    max_inputs: int | None = 1  # how many layers it may read (None: any number, at least min_inputs)
    min_inputs: int = 1
    param_defaults: ClassVar[Mapping[str, float]] = {}  # a parameter's fixed start (batch norm's γ: 1), never drawn
    param_symbols: ClassVar[Mapping[str, str]] = {}  # a course's letter for a parameter (γ, β)
    state_defaults: ClassVar[Mapping[str, float]] = {}  # kinds kept across iterations → default fill
    given_kinds: ClassVar[tuple[str, ...]] = ()  # per-sample kinds given each iteration (dropout's mask)

    STARTING_ACTIVATION: ClassVar[str] = "relu"  # what an activated layer new in the editor begins with

    def __init__(self, name: str, in_shape: tuple[int, ...], activation: Activation | None = None,
                 frozen: frozenset[str] = frozenset()) -> None:
        self.name = name
        self.in_shape = in_shape
        self.activation = activation
        self.frozen = frozen
        self.out_shape: tuple[int, ...] = ()

    @classmethod
    def starting_fields(cls) -> dict[str, Any]:
        """The fields a layer of this type begins with when the editor adds one: each field's
        ``start``, and the starting activation when it takes one."""
        fields = {f.name: f.start for f in cls.fields if f.start is not None}
        return fields | ({"activation": cls.STARTING_ACTIVATION} if cls.activated else {})

    @classmethod
    def combined_shape(cls, kind: str, inputs: list[tuple[str, tuple[int, ...]]], field: str) -> tuple[int, ...]:
        """The shape it reads, from (name, shape) of each of its inputs (one input: its shape).
        A layer that reads several says how they combine and refuses a misfit with a
        ScenarioError naming ``field``."""
        return inputs[0][1]

    @classmethod
    def from_spec(cls, spec: Spec, in_shape: tuple[int, ...], previous: str, path: str) -> Layer:
        """The layer of a validated spec reading ``in_shape`` (from ``previous``, e.g. "layer
        'pool'", for messages); ``path`` (``layers[1]``) names it in a ScenarioError."""
        raise NotImplementedError

    @classmethod
    def spec_size(cls, spec: Spec, in_shape: tuple[int, ...]) -> SpecSize | None:
        """Its sizes from a validated spec and input shape alone; None when the spec does not
        fit the input (``from_spec`` then names the misfit)."""
        raise NotImplementedError

    # --- shapes and names -------------------------------------------------------
    @property
    def has_params(self) -> bool:
        return bool(self.param_names)

    def param_shapes(self) -> dict[str, tuple[int, ...]]:
        """Shapes of this layer's parameters, in PyTorch layout."""
        return {}

    def fans(self) -> tuple[int, int]:
        """(fan_in, fan_out) used by weight initialisers."""
        return (1, 1)

    @property
    def has_net(self) -> bool:
        """Does it compute a pre-activation ``net`` (and so a δ), as dense, conv and add do?"""
        return self.has_params

    @property
    def kinds(self) -> tuple[str, ...]:
        """The quantity kinds this layer has (contract §3, §6.2): the shared ones, then its own."""
        own = tuple(self.own_kinds())
        if self.has_params:
            return ("net", "out", "grad_out", "delta", "weight", "bias", "grad_weight",
                    "grad_bias", "new_weight", "new_bias") + own
        if self.has_net:
            return ("net", "out", "grad_out", "delta") + own
        return ("out", "grad_out") + own

    # --- own kinds, state across iterations, given arrays -------------------------
    def own_kinds(self) -> dict[str, tuple[int, ...]]:
        """Its extra quantity kinds → shape (per sample for a per-sample kind), in reading order."""
        return {}

    def state_shapes(self) -> dict[str, tuple[int, ...]]:
        """The shapes of the state it keeps across iterations (a subset of its own kinds)."""
        own = self.own_kinds()
        return {kind: own[kind] for kind in self.state_defaults}

    def initial_state(self) -> dict[str, np.ndarray]:
        """Its state when the file gives none (torch's defaults: running mean 0, variance 1)."""
        return {kind: np.full(shape, self.state_defaults[kind], dtype=np.float64)
                for kind, shape in self.state_shapes().items()}

    def draw(self, kind: str, rng: np.random.Generator, batch: int) -> np.ndarray:
        """This iteration's given array of ``kind`` ([batch, *shape]), drawn from ``rng``."""
        raise NotImplementedError

    def given_refusal(self, kind: str, values: np.ndarray) -> str | None:
        """What is wrong with given values of ``kind`` (a file's or an edit's), or None."""
        return None

    def batch_refusal(self, batch_size: int) -> str | None:
        """Why the layer cannot work on batches of ``batch_size`` samples, or None."""
        return None

    def forward_in(self, params: Params, xs: list[np.ndarray], ctx: Context) -> Forward:
        """The forward pass in a context (see Context); a layer without own kinds or state
        ignores it and runs ``forward_many``."""
        net, out, cache = self.forward_many(params, xs)
        return Forward(net, out, cache)

    def describe(self) -> str:
        """A short title such as ``conv1d 2×3 · sigmoid``."""
        return self.kind

    # --- maths ------------------------------------------------------------------
    def activate(self, net: np.ndarray) -> np.ndarray:
        """Apply the activation; softmax acts on each sample's flattened output."""
        activation = self.activation
        assert activation is not None
        if activation.coupled:
            if net.ndim == 2:
                return activation.forward(net)
            return activation.forward(net.reshape(net.shape[0], -1)).reshape(net.shape)
        return activation.forward(net)

    def delta(self, net: np.ndarray, out: np.ndarray, grad_out: np.ndarray) -> np.ndarray:
        """δ = ∂E/∂net from ∂E/∂out: elementwise f′, or the full softmax Jacobian."""
        assert self.activation is not None
        if self.activation.coupled:
            b = out.shape[0]
            return softmax_backward(out.reshape(b, -1), grad_out.reshape(b, -1)).reshape(out.shape)
        return self.activation.delta(net, out, grad_out)

    def forward(self, params: Params, x: np.ndarray) -> tuple[np.ndarray | None, np.ndarray, Any]:
        """Return (net or None, out, cache) for a batch ``x``."""
        raise NotImplementedError

    def input_grad(self, params: Params, x: np.ndarray, upstream: np.ndarray, cache: Any) -> np.ndarray:
        """∂E/∂x, given δ (layers with a net) or ∂E/∂out (the others)."""
        raise NotImplementedError

    def work_per_sample(self) -> int:
        """About how many values its forward pass holds per sample (its output; a conv layer
        adds its window columns): evaluation sizes its chunks of samples by it."""
        n = 1
        for s in self.out_shape:
            n *= s
        return n

    def infer(self, params: Params, x: np.ndarray) -> np.ndarray:
        """out alone, for evaluation (no backward pass follows): ``forward``'s out, the same
        numbers; a layer may skip what only its backward reads (max-pool's choices)."""
        return self.forward(params, x)[1]

    # --- any number of inputs (the network is a graph) ---------------------------------
    def forward_many(self, params: Params, xs: list[np.ndarray]) -> tuple[np.ndarray | None, np.ndarray, Any]:
        """``forward`` on the outputs of every layer this one reads (one, unless it is a
        layer such as ``add`` that combines several)."""
        return self.forward(params, xs[0])

    def input_grads(self, params: Params, xs: list[np.ndarray], upstream: np.ndarray,
                    cache: Any) -> list[np.ndarray]:
        """∂E/∂x for each input, in the order of ``xs``: what this layer sends back to each
        layer it reads."""
        return [self.input_grad(params, xs[0], upstream, cache)]

    def param_grads_can_wait(self, batch: int) -> bool:
        """Whether ``param_grads`` of a batch of ``batch`` may be handed on to the worker
        thread and run beside the rest of the backward pass (``core.nn.halves.later``, the
        passes ask): large enough for a hand-over to pay, one call that lets go of the GIL,
        and independent of ``input_grad`` (it reads only x, δ and the cache, which nothing
        writes later, so it makes the same floats later). A layer whose input gradient reads
        what ``param_grads`` leaves (batch norm's sums) keeps False, as most layers do: too
        small to pay."""
        return False

    def param_grads_parts(self, x: np.ndarray, delta: np.ndarray, cache: Any, out: Params | None = None
                          ) -> tuple[Params, Callable[[], object]]:
        """``param_grads`` in two, for a layer whose ``param_grads_can_wait``: (the gradients'
        arrays, a call that completes them, to be run later and on any thread, before they are
        read). The same operations on the same values as ``param_grads``. Layer's: all of
        it now, nothing left to run."""
        return self.param_grads(x, delta, cache, out), _nothing

    def param_grads(self, x: np.ndarray, delta: np.ndarray, cache: Any, out: Params | None = None) -> Params:
        """∂E/∂weight and ∂E/∂bias, summed over the batch (δ already carries 1/B).

        With ``out`` (arrays of the parameters' shapes) the gradients are written there,
        which lets training keep every gradient in one flat buffer.
        """
        return {}

    # --- derivation terms (plain data, see terms.py) -----------------------------
    def net_terms(self, sample: int, index: tuple[int, ...], limit: int) -> Terms:
        """z[sample, index] as a sum of terms, e.g. w·x plus the bias (layers with a net).
        From the index alone, never the values (no cache): the reports take an array's
        template of these terms again at every iteration (explainer's INDEX_ONLY_KINDS)."""
        raise NotImplementedError

    def out_terms(self, cache: Any, sample: int, index: tuple[int, ...], limit: int) -> Terms:
        """out[sample, index] of a layer without a net (a window's max or mean, a copy)."""
        raise NotImplementedError

    def input_grad_terms(self, cache: Any, sample: int, index: tuple[int, ...], limit: int,
                         source: int = 0) -> Terms:
        """∂E/∂x[sample, index] of the ``source``-th input it reads: what that input gets
        back from this layer's δ (layers with a net) or ∂E/∂out (the others)."""
        raise NotImplementedError

    def param_grad_terms(self, param: str, index: tuple[int, ...], batch: int, limit: int) -> Terms:
        """∂E/∂param[index], summed over the ``batch`` samples; from the index alone, as
        ``net_terms``."""
        raise NotImplementedError

    def own_formula(self, kind: str, sample: int, index: tuple[int, ...], w: Writer) -> Formula:
        """The derivation of ``LAYER.kind[index]`` (of ``sample`` for a per-sample kind) of
        one of its own computed kinds, written with explain's ``Writer``."""
        raise NotImplementedError

    def out_formula(self, cache: Any, sample: int, index: tuple[int, ...], w: Writer) -> Formula | None:
        """out[sample, index] of a layer without a net written out, when ``out_terms`` cannot
        say it (dropout's x·mask/(1 − p)); None: explain writes ``out_terms``."""
        return None

    def input_grad_formula(self, cache: Any, sample: int, index: tuple[int, ...], w: Writer,
                           source: int = 0) -> Formula | None:
        """∂E/∂x[sample, index] written out, when it is no sum of products (batch norm's
        three-term formula couples the batch); None: explain writes ``input_grad_terms``."""
        return None

    def own_slips(self, kind: str, sample: int, index: tuple[int, ...], w: Writer) -> dict[str, list[float]]:
        """What ``LAYER.kind[index]`` (its own kinds, or ``out``) would be after each hand slip
        this layer invites (batch norm's unbiased variance, dropout's missing scale), by slip
        name; the words are in core/learner/diagnosis."""
        return {}

    def input_slips(self, sample: int, index: tuple[int, ...], w: Writer) -> dict[str, list[float]]:
        """What ∂E/∂x[sample, index] of its input would be after each hand slip, by slip name."""
        return {}

    # --- the PyTorch export and slip diagnosis -----------------------------------
    def torch_lines(self) -> list[str]:
        """Forward line(s) of the export: read ``h``; set ``z`` (with a net) or ``h``.
        A parameter is ``self.torch_param("weight")``; ``BATCH`` is the batch size; ``F`` is
        torch.nn.functional. A scenario's string enters only as a literal (python_literal)."""
        raise NotImplementedError

    def torch_param(self, pname: str) -> str:
        """``params['fc.weight']``: the export's tensor of a parameter, its key escaped."""
        return f"params[{python_literal(f'{self.name}.{pname}')}]"

    def slip_routes(self, params: Params, upstream: np.ndarray, index: tuple[int, ...]) -> dict[str, list[float]]:
        """What ∂E/∂x[index] of one sample would be after each hand slip this layer invites,
        by slip name; ``upstream`` is the sample's δ (or ∂E/∂out) of this layer."""
        return {}


LayerClass = TypeVar("LayerClass", bound=type[Layer])
LAYER_CLASSES: dict[str, type[Layer]] = {}


def _overrides(cls: type[Layer], method: str) -> bool:
    """Does ``cls`` (or a base between it and Layer) define ``method`` itself?"""
    owner = next(klass for klass in cls.__mro__ if method in vars(klass))
    return owner is not Layer


def register(cls: LayerClass) -> LayerClass:
    """Class decorator: add a layer type to the registry, refusing one that is not fully
    described (so a missing piece fails at import, not as another layer's formula)."""
    missing = [m for m in ("from_spec", "spec_size", "forward", "input_grad", "input_grad_terms", "torch_lines")
               if not _overrides(cls, m)]
    if cls.param_names:
        missing += [m for m in ("param_shapes", "fans", "param_grads", "param_grad_terms")
                    if not _overrides(cls, m)]
    if not (_overrides(cls, "net_terms") or _overrides(cls, "out_terms")):
        missing.append("net_terms (a layer with a net) or out_terms (one without)")
    if not cls.type_names:
        missing.append("type_names")
    if cls.state_defaults or cls.given_kinds:
        missing += [m for m in ("own_kinds",) if not _overrides(cls, m)]
    if cls.given_kinds and not _overrides(cls, "draw"):
        missing.append("draw (it has given kinds)")
    if (cls.state_defaults or cls.given_kinds) and not _overrides(cls, "forward_in"):
        missing.append("forward_in (it has state or given kinds)")
    covered = {spec.get("type") for _, spec in cls.examples}
    missing += [f"an example of {name}" for name in cls.type_names if name not in covered]
    if missing:
        raise TypeError(f"layer class {cls.__name__} is not fully described: {', '.join(missing)}")
    for name in cls.type_names:
        if name in LAYER_CLASSES:
            raise TypeError(f"layer type {name!r} is registered twice")
        LAYER_CLASSES[name] = cls
    return cls
