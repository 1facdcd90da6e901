"""AdamW exactly as ``torch.optim.AdamW``: Adam with the weight decay decoupled.

    w ← w·(1 − α·λ)               (first, as torch does; λ defaults to 0.01)
    m, v, m̂, v̂ as Adam's, from the plain gradient g = ∂E/∂w
    w′ = w·(1 − α·λ) − α·m̂ / (√v̂ + ε)

The rule, its derivation and its slips are Adam's (``adam.py``) with ``decoupled = True``.
"""

from __future__ import annotations

from core.i18n import mark
from core.nn.optim.adam import Adam, slips_of
from core.nn.optim.base import Field


class AdamW(Adam):
    name = "adamw"
    title = "AdamW"
    fields = (
        Field("betas", (0.9, 0.999), mark("the averages' factors β₁, β₂"), low=0.0, high=1.0, high_open=True),
        Field("eps", 1e-8, mark("ε added to √v̂"), low=0.0),
        Field("weight_decay", 0.01, mark("decoupled weight decay λ"), low=0.0),
    )
    torch_class = "torch.optim.AdamW"
    decoupled = True
    slips = slips_of(decoupled)


OPTIMIZER = AdamW()
