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

Terms are plain data (``terms.py``): core/explain writes them as formulas with numbers,
so this package imports nothing of core but core.errors, core.numbers and core.text.
The shared parts (the activation's a = f(z) and δ = ∂E/∂a·f′, the loss, the fused
softmax + cross-entropy δ, given values, the update) are not a layer's business.

Every array carries a leading batch axis. A layer is stateless: parameters come in as a
dict, so the stepper can keep the forward pass's parameters apart from updated ones.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

import numpy as np

from core.nn.activations import Activation, softmax_backward
from core.nn.layers.terms import Terms
from core.text import python_literal

Params = dict[str, np.ndarray]
Spec = Mapping[str, Any]  # a validated layer spec: name, type, its fields, activation …
FIELD_KINDS = ("count", "size", "offset")


def shape_text(shape: tuple[int, ...]) -> str:
    """``(2, 3)`` → ``[2, 3]``, as messages and the contract write shapes."""
    return "[" + ", ".join(str(s) for s in shape) + "]"


@dataclass(frozen=True)
class Field:
    """One scenario field of a layer type.

    ``kind``: ``count`` a whole number ≥ 1; ``size`` a whole number ≥ 1, or [height, width]
    on a 2-D layer; ``offset`` the same but ≥ 0. ``default`` is a value, or ``"=name"`` to
    copy another field (a pool's stride defaults to its size). ``hint`` completes the
    message for a missing required field: "a dense layer needs 'units' (its number of
    neurons)".
    """

    name: str
    kind: str
    required: bool = False
    default: Any = None
    hint: str = ""

    def __post_init__(self) -> None:
        if self.kind not in FIELD_KINDS:
            raise ValueError(f"field {self.name}: unknown kind {self.kind!r}")


@dataclass(frozen=True)
class SpecSize:
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

    def __init__(self, name: str, in_shape: tuple[int, ...], activation: Activation | None = None,
                 frozen: frozenset[str] = frozenset()) -> None:
        self.name = name
        self.in_shape = in_shape
        self.activation = activation
        self.frozen = frozen
        self.out_shape: tuple[int, ...] = ()

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
        """The quantity kinds this layer has (contract §3)."""
        if self.has_params:
            return ("net", "out", "grad_out", "delta", "weight", "bias", "grad_weight",
                    "grad_bias", "new_weight", "new_bias")
        if self.has_net:
            return ("net", "out", "grad_out", "delta")
        return ("out", "grad_out")

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
        result: np.ndarray = grad_out * self.activation.derivative(net, out)
        return result

    def forward(self, params: Params, x: np.ndarray) -> tuple[np.ndarray | None, np.ndarray, Any]:
        """Return (net or None, out, cache) for a batch ``x``."""
        raise NotImplementedError

    def input_grad(self, params: Params, x: np.ndarray, upstream: np.ndarray, cache: Any) -> np.ndarray:
        """∂E/∂x, given δ (layers with a net) or ∂E/∂out (the others)."""
        raise NotImplementedError

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

    def param_grads(self, x: np.ndarray, delta: np.ndarray, cache: Any, out: Params | None = None) -> Params:
        """∂E/∂weight and ∂E/∂bias, summed over the batch (δ already carries 1/B).

        With ``out`` (arrays of the parameters' shapes) the gradients are written there,
        which lets training keep every gradient in one flat buffer.
        """
        return {}

    # --- derivation terms (plain data, see terms.py) -----------------------------
    def net_terms(self, sample: int, index: tuple[int, ...], limit: int) -> Terms:
        """z[sample, index] as a sum of terms, e.g. w·x plus the bias (layers with a net)."""
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
        """∂E/∂param[index], summed over the ``batch`` samples."""
        raise NotImplementedError

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
    covered = {spec.get("type") for _, spec in cls.examples}
    missing += [f"an example of {name}" for name in cls.type_names if name not in covered]
    if missing:
        raise TypeError(f"layer class {cls.__name__} is not fully described: {', '.join(missing)}")
    for name in cls.type_names:
        if name in LAYER_CLASSES:
            raise TypeError(f"layer type {name!r} is registered twice")
        LAYER_CLASSES[name] = cls
    return cls
