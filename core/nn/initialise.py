"""Initial values for parameters a scenario leaves out (seeded, so files stay reproducible)."""

from __future__ import annotations

import numpy as np

from core.nn.layers import Layer


def initial_params(layer: Layer, given: dict[str, np.ndarray], rng: np.random.Generator | None,
                   init: str | None) -> dict[str, np.ndarray]:
    """Fill in the parameters not in ``given``: weights by ``init`` (default xavier), bias zero.

    xavier: U(±√(6/(fan_in+fan_out))); he: N(0, √(2/fan_in)); uniform: U(±1/√fan_in); zeros.
    """
    method = init or "xavier"
    fan_in, fan_out = layer.fans()
    params: dict[str, np.ndarray] = {}
    for name, shape in layer.param_shapes().items():
        if name in given:
            params[name] = given[name]
        elif name in layer.param_defaults:  # batch norm's γ = 1: torch's fixed start, never drawn
            params[name] = np.full(shape, layer.param_defaults[name], dtype=np.float64)
        elif name == "bias" or method == "zeros":
            params[name] = np.zeros(shape)
        elif rng is None:
            raise ValueError(f"{layer.name}.{name} needs a random generator to be drawn")
        elif method == "xavier":
            limit = np.sqrt(6.0 / (fan_in + fan_out))
            params[name] = rng.uniform(-limit, limit, shape)
        elif method == "he":
            params[name] = rng.normal(0.0, np.sqrt(2.0 / fan_in), shape)
        else:
            limit = 1.0 / np.sqrt(fan_in)
            params[name] = rng.uniform(-limit, limit, shape)
    return params
