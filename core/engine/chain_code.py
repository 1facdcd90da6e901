"""A chain's forward and backward pass written out as one Python function, once per plan.

A loop over the layers pays, per layer and iteration, for unpacking its plan entry and for
tests whose answers never change (is there a weight gradient, a δ, a job to hand on); for a
tiny network that is a tenth of its step. ``written_pass`` writes the same calls as straight
code (one line per layer method, the arrays in local variables) and compiles it once.

The source is made here from numbers and fixed words only (layer positions, never a name
from a scenario), and the names it calls are bound in its own namespace: nothing a user
writes is ever compiled. tests/core/test_chain_plan.py checks its numbers against
``passes.gradients`` to the bit.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

import numpy as np

Pass = Callable[[np.ndarray, np.ndarray, bool], tuple[float, np.ndarray]]


class BackwardStep(NamedTuple):
    """One layer of the backward pass, as the written code needs it."""

    layer: int  # its position in the chain
    has_params: bool  # a weight gradient to write (``p{i}``, or ``w{i}`` to hand on)
    has_net: bool  # its input gradient reads δ (else ∂E/∂out)
    waits: bool  # its weight gradient's product is handed on (``later``) and joined at the end


def pass_source(layers: int, steps: Sequence[BackwardStep]) -> str:
    """The source of ``run(x, y, unit)`` for a chain of ``layers`` layers.

    Names it expects bound: ``f{i}``/``o{i}`` each layer's forward and its parameters,
    ``d{i}`` its δ, ``p{i}``/``w{i}`` its weight gradient (whole, or in parts to hand on),
    ``i{i}`` the arrays it is written into, ``g{i}`` its input gradient, ``head`` the loss
    and the last layer's δ and ∂E/∂out, ``later`` the hand-on."""
    last = layers - 1
    lines = ["def run(x, y, unit):"]
    for i in range(layers):
        lines.append(f"    n{i}, a{i}, c{i} = f{i}(o{i}, {f'a{i - 1}' if i else 'x'})")
    lines.append(f"    loss, d, g = head(a{last}, n{last}, y, unit)")
    handed_on = any(step.waits for step in steps)
    indent = "    "
    if handed_on:  # large weight gradients handed on, joined before the return
        lines += ["    pending = []", "    try:"]
        indent = "        "
    for step in steps:
        i = step.layer
        xi = f"a{i - 1}" if i else "x"
        if i < last:
            lines.append(f"{indent}d = None if n{i} is None else d{i}(n{i}, a{i}, g)")
        if step.waits:
            lines.append(f"{indent}pending.append(later(w{i}({xi}, d, c{i}, i{i})[1]))")
        elif step.has_params:
            lines.append(f"{indent}p{i}({xi}, d, c{i}, i{i})")
        if i:
            lines.append(f"{indent}g = g{i}(o{i}, {xi}, {'d' if step.has_net else 'g'}, c{i})")
    if handed_on:
        lines += ["    finally:", "        for job in pending:", "            job.wait()"]
    lines.append(f"    return loss, a{last}")
    return "\n".join(lines) + "\n"


def written_pass(layers: int, steps: Sequence[BackwardStep], names: dict[str, object]) -> Pass:
    """``pass_source`` compiled with ``names`` bound: the chain's pass as one function."""
    namespace = dict(names)
    exec(compile(pass_source(layers, steps), "<chain pass>", "exec"), namespace)  # noqa: S102 (our own source)
    run: Pass = namespace["run"]  # type: ignore[assignment]
    return run
