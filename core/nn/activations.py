"""Activation functions: value, derivative and the formula text shown to a learner.

All functions act elementwise on the pre-activation ``z`` except softmax, which acts on
the last axis of a ``[batch, n]`` array. Sigmoid and softmax are written to stay finite
for any finite input (no overflow in ``exp``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

ACTIVATIONS = ("sigmoid", "tanh", "relu", "linear", "softmax")


def sigmoid(z: np.ndarray) -> np.ndarray:
    """Logistic function 1 / (1 + e^(−z)), finite and accurate (to an ulp or two) for any z.

    Small arrays take the form with fewest NumPy calls, e^(−ln(1 + e^(−z))); large ones
    the one cheapest per element, with e = e^(−|z|): 1/(1 + e) for z ≥ 0, e/(1 + e) below.
    """
    if z.size <= 256:
        return np.exp(-np.logaddexp(0.0, -z))
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0, e) / (1.0 + e)


def softmax(z: np.ndarray) -> np.ndarray:
    """Softmax over the last axis, shifted by the maximum so exp never overflows."""
    shifted = z - z.max(axis=-1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=-1, keepdims=True)


@dataclass(frozen=True)
class Activation:
    """One activation: forward map, derivative written in terms of (z, a), and texts."""

    name: str
    forward: Callable[[np.ndarray], np.ndarray]
    derivative: Callable[[np.ndarray, np.ndarray], np.ndarray] | None
    formula: str  # a = f(z), symbolic
    derivative_formula: str  # f′(z) written with a and z

    @property
    def is_softmax(self) -> bool:
        return self.name == "softmax"


_TABLE = {
    "sigmoid": Activation("sigmoid", sigmoid, lambda z, a: a * (1.0 - a),
                          "1 / (1 + e^(−z))", "a·(1 − a)"),
    "tanh": Activation("tanh", np.tanh, lambda z, a: 1.0 - a * a,
                       "tanh(z)", "1 − a²"),
    "relu": Activation("relu", lambda z: np.maximum(z, 0.0), lambda z, a: (z > 0).astype(z.dtype),
                       "max(0, z)", "[z > 0]"),
    "linear": Activation("linear", lambda z: z, lambda z, a: np.ones_like(z), "z", "1"),
    # softmax couples its outputs: its backward uses the full Jacobian (see softmax_backward)
    "softmax": Activation("softmax", softmax, None, "e^(z_i) / Σ_k e^(z_k)",
                          "∂a_j/∂z_i = a_i·([i = j] − a_j)"),
}


def get_activation(name: str) -> Activation:
    """Look up an activation by name (one of ACTIVATIONS)."""
    return _TABLE[name]


def softmax_backward(a: np.ndarray, grad_a: np.ndarray) -> np.ndarray:
    """∂E/∂z from ∂E/∂a through the softmax Jacobian: δ_i = a_i·(g_i − Σ_j a_j g_j)."""
    return a * (grad_a - (a * grad_a).sum(axis=-1, keepdims=True))
