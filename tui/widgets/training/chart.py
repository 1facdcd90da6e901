"""A small multi-row bar chart of a series (loss or accuracy) drawn with eighth blocks.

Long series are reduced to the chart's width by averaging consecutive points, so the
cost of drawing never grows with the number of iterations.
"""

from __future__ import annotations

import numpy as np
from rich.text import Text

BLOCKS = " ▁▂▃▄▅▆▇█"


def reduce_to(values: np.ndarray, width: int) -> np.ndarray:
    """At most ``width`` points: the means of equal consecutive runs."""
    v = np.asarray(values, dtype=np.float64)
    if v.size <= width:
        return v
    edges = np.linspace(0, v.size, width + 1).astype(int)
    sums = np.add.reduceat(v, edges[:-1])
    return sums / np.diff(edges)


def render_bars(values: np.ndarray, width: int = 40, height: int = 4, low: float | None = None,
                high: float | None = None, style: str = "") -> Text:
    """Bars from ``low`` (default: min, or 0 when all values are ≥ 0) to ``high`` (default: max)."""
    v = reduce_to(values, width)
    v = v[np.isfinite(v)]
    if v.size == 0:
        return Text("·" * min(width, 3))
    lo = (0.0 if v.min() >= 0 else float(v.min())) if low is None else low
    hi = float(v.max()) if high is None else high
    span = hi - lo
    levels = np.full(v.shape, height * 8) if span <= 0 else np.rint((v - lo) / span * height * 8).astype(int)
    levels = np.clip(levels, 1, height * 8)  # every point shows at least a sliver
    rows = []
    for row in range(height - 1, -1, -1):
        fill = np.clip(levels - row * 8, 0, 8)
        rows.append("".join(BLOCKS[f] for f in fill))
    return Text("\n".join(rows), style=style)
