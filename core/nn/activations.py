"""Activation functions, one entry each: value, derivative, formulas with numbers, torch.

An activation is ONE entry of ``_TABLE`` below, and that entry is everything the project
knows about it: the forward map, its derivative written in terms of (z, a), the symbolic
texts, small builders that write ``a = f(z)`` and ``f′(z)`` with a learner's numbers (the
explanations read them), its PyTorch expression (the export reads it) and the layer
fields it takes (``negative_slope`` for leaky_relu; the scenario loader reads them).
Nothing else switches on an activation's name, so adding one is adding one entry (and
its tests). ``tests/core/test_units_registry.py`` walks the table.

All functions act elementwise on the pre-activation ``z`` except softmax, which acts on
the last axis of a ``[batch, n]`` array and couples its outputs (``coupled``): its δ uses
the full Jacobian (``softmax_backward``) and its derivation is written by core/explain.
Sigmoid and softmax are written to stay finite for any finite input.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import NamedTuple

import numpy as np

from core.i18n import mark, tr
from core.nn.constants import ONE, ZERO
from core.nn.erf import normal_cdf, normal_pdf
from core.nn.small_sums import SEQUENTIAL, sequential_sum
from core.numbers import fmt

Settings = Mapping[str, float]  # an activation's own layer fields, e.g. {"negative_slope": 0.01}
_NONE: Settings = MappingProxyType({})


def sigmoid(z: np.ndarray) -> np.ndarray:
    """Logistic function 1 / (1 + e^(−z)), finite and accurate (to an ulp or two) for any z.

    Small arrays take the form with fewest NumPy calls, e^(−ln(1 + e^(−z))); large ones
    the one cheapest per element, with e = e^(−|z|): 1/(1 + e) for z ≥ 0, e/(1 + e) below.
    """
    if z.size <= 256:  # (the passes after the first write in its array: no temporaries)
        out: np.ndarray = np.negative(z)
        np.logaddexp(ZERO, out, out)
        np.negative(out, out)
        np.exp(out, out)
        return out
    e = np.exp(-np.abs(z))
    result: np.ndarray = np.where(z >= 0, 1.0, e) / (1.0 + e)
    return result


def softmax(z: np.ndarray) -> np.ndarray:
    """Softmax over the last axis, shifted by the maximum so exp never overflows.
    (The reductions are the ufuncs' own, as ``max``/``sum`` run them; the passes after
    the shift write in its array.)

    One sample of a few values (``[1, n]``, n < SEQUENTIAL) takes its maximum and its sum
    in Python, the same floats: the maximum is exact (a NaN or ∞ makes every output NaN
    either way), and the sum adds in NumPy's order (``sequential_sum``)."""
    if z.ndim == 2 and z.shape[0] == 1 and z.shape[1] < SEQUENTIAL:
        row = z.tolist()[0]
        one: np.ndarray = np.subtract(z, max(row))
        np.exp(one, one)
        np.divide(one, sequential_sum(one.tolist()[0]), one)
        return one
    out: np.ndarray = z - np.maximum.reduce(z, axis=-1, keepdims=True)
    np.exp(out, out)
    np.divide(out, np.add.reduce(out, axis=-1, keepdims=True), out)
    return out


def softmax_backward(a: np.ndarray, grad_a: np.ndarray) -> np.ndarray:
    """∂E/∂z from ∂E/∂a through the softmax Jacobian: δ_i = a_i·(g_i − Σ_j a_j g_j)."""
    out: np.ndarray = a * (grad_a - (a * grad_a).sum(axis=-1, keepdims=True))
    return out


class Written(NamedTuple):
    """What a formula builder gets: z and a (symbol and value) of one element, the layer's
    activation settings, and explain's two ways of writing a number (``n`` plain, ``p`` as
    a factor: a negative number in parentheses)."""

    z: str
    z_value: float
    a: str
    a_value: float
    n: Callable[[float], str]
    p: Callable[[float], str]
    settings: Settings = _NONE

    def setting(self, name: str) -> str:
        """A setting written in full, as the scenario gives it (``0.01``)."""
        return fmt(self.settings[name], None)


Pair = tuple[str, str]  # (symbolic, with numbers)


@dataclass(frozen=True)
class Activation:
    """One activation. ``value``/``slope`` take the settings; ``forward``/``derivative``
    are bound to this instance's settings (see ``configured``)."""

    name: str
    value: Callable[[np.ndarray, Settings], np.ndarray]
    slope: Callable[[np.ndarray, np.ndarray, Settings], np.ndarray] | None  # f′ from (z, a); None: coupled
    formula: str  # a = f(z), symbolic
    derivative_formula: str  # f′(z) written with a and z
    value_text: Callable[[Written], Pair] | None  # a = …, symbolic and with numbers (None: coupled)
    slope_text: Callable[[Written], Pair] | None  # f′(z) symbolic and with numbers
    torch: str  # the PyTorch expression of ``z``; settings as {name}
    fields: Mapping[str, float] = field(default_factory=dict)  # layer fields it takes, with defaults
    value_note: str | None = None  # a note under a = f(z), e.g. "linear activation: a = z"
    settings: Settings = field(default_factory=lambda: _NONE)
    # for hand-friendly exercises: |z| beyond which f′ is nearly 0 (sigmoid, tanh), and
    # whether f′ jumps at z = 0 (relu), so a net near 0 makes the slope a coin toss
    saturates_beyond: float | None = None
    kinked: bool = False
    # δ = ∂E/∂a·f′ in fewer NumPy passes, the very same numbers in the same memory layout
    # (the layout decides the order of later sums); None: the product with ``slope``
    gated: Callable[[np.ndarray, np.ndarray, np.ndarray, Settings], np.ndarray] | None = None
    # f(z) for an activation that takes no settings, called as it is by ``forward`` (one
    # Python call per layer per pass instead of three); None: ``value`` with the settings
    plain: Callable[[np.ndarray], np.ndarray] | None = None

    # True when the outputs depend on each other (softmax): no elementwise f′ (set from ``slope``;
    # an attribute, not a property: every layer's forward reads it)
    coupled: bool = field(init=False, default=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "coupled", self.slope is None)
        # ``forward`` and ``delta`` as the fewest Python calls that compute them: the very
        # function where nothing is to be bound (instance attributes over the methods below)
        if self.plain is not None and not self.fields:
            object.__setattr__(self, "forward", self.plain)
        if self.gated is not None and not self.fields:
            object.__setattr__(self, "delta", self.gated)

    @property
    def is_softmax(self) -> bool:
        return self.name == "softmax"

    def configured(self, settings: Mapping[str, float]) -> Activation:
        """This activation with its layer's settings (defaults for the ones not given)."""
        full = {key: float(settings.get(key, default)) for key, default in self.fields.items()}
        return replace(self, settings=MappingProxyType(full)) if full else self

    def forward(self, z: np.ndarray) -> np.ndarray:  # (``plain`` itself where it is set)
        return self.value(z, self.settings)

    def derivative(self, z: np.ndarray, a: np.ndarray) -> np.ndarray:
        assert self.slope is not None, "a coupled activation has no elementwise derivative"
        return self.slope(z, a, self.settings)

    def delta(self, z: np.ndarray, a: np.ndarray, grad_a: np.ndarray) -> np.ndarray:
        """δ = ∂E/∂a·f′(z), elementwise (not for a coupled activation). It may be ``grad_a``
        itself (linear): callers never write into either. (``gated`` itself where it takes
        no settings.)"""
        if self.gated is not None:
            return self.gated(z, a, grad_a, self.settings)
        result: np.ndarray = grad_a * self.derivative(z, a)
        return result

    def torch_expression(self) -> str:
        """``torch.sigmoid(z)``, ``F.leaky_relu(z, negative_slope=0.01)`` …"""
        return self.torch.format(**{k: repr(v) for k, v in self.settings.items()})

    def note(self) -> str:
        """The derivative's note: ``f′ of relu: [z > 0]`` (settings written in)."""
        text = tr(self.derivative_formula)  # a formula; gelu's says a word or two
        for key, value in self.settings.items():
            text = text.replace(key, fmt(value, None))
        return text


def _sigmoid_delta(z: np.ndarray, a: np.ndarray, g: np.ndarray, s: Settings = _NONE) -> np.ndarray:
    """∂E/∂a·a(1 − a): the product with the slope, without the calls around it."""
    result: np.ndarray = g * (a * (ONE - a))
    return result


def relu(z: np.ndarray) -> np.ndarray:
    """max(0, z) elementwise."""
    out: np.ndarray = np.maximum(z, ZERO)
    return out


def _relu(z: np.ndarray, s: Settings) -> np.ndarray:
    return relu(z)


def _relu_delta(z: np.ndarray, a: np.ndarray, g: np.ndarray, s: Settings = _NONE) -> np.ndarray:
    """∂E/∂a·[z > 0], the mask written as 1.0/0.0 straight into an array laid out as z (one
    pass fewer than a comparison, a cast, then the product; the product is the same call)."""
    result: np.ndarray = g * np.greater(z, ZERO, out=np.empty_like(z))
    return result


def _linear_delta(z: np.ndarray, a: np.ndarray, g: np.ndarray, s: Settings = _NONE) -> np.ndarray:
    """∂E/∂a·1 is ∂E/∂a itself (×1.0 changes no float): no pass at all when g is laid out
    as z is (the product's layout); otherwise the product, for that layout."""
    if g.strides == z.strides:
        return g
    result: np.ndarray = g * np.ones_like(z)
    return result


def _leaky(z: np.ndarray, s: Settings) -> np.ndarray:
    out: np.ndarray = np.where(z > 0, z, s["negative_slope"] * z)
    return out


def _leaky_slope(z: np.ndarray, a: np.ndarray, s: Settings) -> np.ndarray:
    out: np.ndarray = np.where(z > 0, 1.0, s["negative_slope"])
    return out


def _gelu(z: np.ndarray, s: Settings) -> np.ndarray:
    """z·Φ(z), PyTorch's exact (erf) form of GELU."""
    out: np.ndarray = z * normal_cdf(z)
    return out


def _gelu_slope(z: np.ndarray, a: np.ndarray, s: Settings) -> np.ndarray:
    """f′(z) = Φ(z) + z·φ(z): the product rule on z·Φ(z), with Φ′ = φ."""
    out: np.ndarray = normal_cdf(z) + z * normal_pdf(z)
    return out


def _gelu_value_text(w: Written) -> Pair:
    z = w.p(w.z_value)
    return f"0.5·{w.z}·(1 + erf({w.z}/√2))", f"0.5·{z}·(1 + erf({z}/√2))"


def _gelu_slope_text(w: Written) -> Pair:
    z = w.p(w.z_value)
    return (f"(Φ({w.z}) + {w.z}·φ({w.z}))",
            f"(0.5·(1 + erf({z}/√2)) + {z}·e^(−{z}²/2)/√(2π))")


_TABLE: dict[str, Activation] = {entry.name: entry for entry in (
    Activation("sigmoid", lambda z, s: sigmoid(z), lambda z, a, s: a * (1.0 - a),
               "1 / (1 + e^(−z))", "a·(1 − a)",
               lambda w: (f"σ({w.z}) = 1 / (1 + e^(−{w.z}))", f"1 / (1 + e^(−{w.p(w.z_value)}))"),
               lambda w: (f"{w.a}·(1 − {w.a})", f"{w.p(w.a_value)}·(1 − {w.p(w.a_value)})"),
               "torch.sigmoid(z)", saturates_beyond=4.0, gated=_sigmoid_delta, plain=sigmoid),
    Activation("tanh", lambda z, s: np.tanh(z), lambda z, a, s: 1.0 - a * a,
               "tanh(z)", "1 − a²",
               lambda w: (f"tanh({w.z})", f"tanh({w.n(w.z_value)})"),
               lambda w: (f"(1 − {w.a}²)", f"(1 − {w.p(w.a_value)}²)"),
               "torch.tanh(z)", saturates_beyond=2.0, plain=np.tanh),
    Activation("relu", _relu, lambda z, a, s: (z > 0).astype(z.dtype),
               "max(0, z)", "[z > 0]",
               lambda w: (f"max(0, {w.z})", f"max(0, {w.n(w.z_value)})"),
               lambda w: (f"[{w.z} > 0]", "1" if w.z_value > 0 else "0"),
               "torch.relu(z)", kinked=True, gated=_relu_delta, plain=relu),
    Activation("leaky_relu", _leaky, _leaky_slope,
               "max(0, z) + negative_slope·min(0, z)", "[z > 0] + negative_slope·[z ≤ 0]",
               lambda w: (f"max(0, {w.z}) + {w.setting('negative_slope')}·min(0, {w.z})",
                          f"max(0, {w.n(w.z_value)}) + {w.setting('negative_slope')}·min(0, {w.n(w.z_value)})"),
               lambda w: (f"([{w.z} > 0] + {w.setting('negative_slope')}·[{w.z} ≤ 0])",
                          "1" if w.z_value > 0 else w.p(w.settings["negative_slope"])),
               "F.leaky_relu(z, negative_slope={negative_slope})",
               fields={"negative_slope": 0.01}, kinked=True),
    Activation("gelu", _gelu, _gelu_slope,
               "z·Φ(z) = 0.5·z·(1 + erf(z/√2))",
               mark("Φ(z) + z·φ(z), with Φ(z) = 0.5·(1 + erf(z/√2)) and φ(z) = e^(−z²/2)/√(2π)"),
               _gelu_value_text, _gelu_slope_text, "F.gelu(z)",
               value_note=mark("gelu: a = z·Φ(z), where Φ(z) is the chance that a standard normal draw "
                               "is below z (the normal CDF)")),
    Activation("linear", lambda z, s: z, lambda z, a, s: np.ones_like(z), "z", "1",
               lambda w: (w.z, w.n(w.z_value)), lambda w: ("1", "1"), "z * 1.0",
               value_note=mark("linear activation: a = z"), gated=_linear_delta),
    # softmax couples its outputs: its backward uses the full Jacobian (see softmax_backward)
    Activation("softmax", lambda z, s: softmax(z), None, "e^(z_i) / Σ_k e^(z_k)",
               "∂a_j/∂z_i = a_i·([i = j] − a_j)", None, None,
               "torch.softmax(z.reshape(BATCH, -1), dim=1).reshape(z.shape)", plain=softmax),
)}

ACTIVATIONS = tuple(_TABLE)
ACTIVATION_FIELDS: dict[str, tuple[str, ...]] = {name: tuple(a.fields) for name, a in _TABLE.items()}


def get_activation(name: str, settings: Mapping[str, float] | None = None) -> Activation:
    """Look up an activation by name (one of ACTIVATIONS), configured with ``settings``."""
    activation = _TABLE[name]
    return activation.configured(settings or {}) if activation.fields else activation


def all_activations() -> tuple[Activation, ...]:
    """Every registered activation with its default settings (for tests that walk them)."""
    return tuple(get_activation(name) for name in _TABLE)
