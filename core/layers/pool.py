"""Max and average pooling in 1-D and 2-D; windows that do not fit are dropped.

Max-pool routes each gradient to the first maximum of its window (row-major), which is
what ``argmax`` returns; overlapping windows add their gradients.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from core.layers.base import Layer, Params
from core.layers.spatial import Geometry


class Pool(Layer):
    """``maxpool1d/2d`` or ``avgpool1d/2d`` with window ``size`` and ``stride``."""

    def __init__(self, name: str, in_shape: tuple[int, ...], mode: str, size: tuple[int, int],
                 stride: tuple[int, int]) -> None:
        super().__init__(name, in_shape)
        self.mode = mode  # "max" | "avg"
        self.geometry = Geometry(in_shape, size, stride, (0, 0))
        self.kind = f"{mode}pool{self.geometry.dims}d"
        self.out_shape = (in_shape[0], *self.geometry.out_spatial)

    def describe(self) -> str:
        g = self.geometry
        size = str(g.kernel[1]) if g.dims == 1 else f"{g.kernel[0]}×{g.kernel[1]}"
        return f"{self.mode} {size}"

    def forward(self, params: Params, x: np.ndarray) -> tuple[None, np.ndarray, Any]:
        b = x.shape[0]
        windows = self.geometry.table.gather(self.geometry.as_grid(x))  # [B, C, P, K]
        if self.mode == "max":
            choice = windows.argmax(axis=-1)  # first maximum, row-major
            out = np.take_along_axis(windows, choice[..., None], axis=-1)[..., 0]
        else:
            choice = None
            out = windows.mean(axis=-1)
        return None, out.reshape(b, *self.out_shape), choice

    def input_grad(self, params: Params, x: np.ndarray, upstream: np.ndarray, cache: Any) -> np.ndarray:
        b = x.shape[0]
        g = self.geometry
        table = g.table
        k = table.index.shape[1]
        up = upstream.reshape(b, g.channels, table.positions, 1)
        if self.mode == "max":
            windows = np.zeros((b, g.channels, table.positions, k))
            np.put_along_axis(windows, cache[..., None], up, axis=-1)
        else:
            windows = np.broadcast_to(up / k, (b, g.channels, table.positions, k))
        return g.from_grid(table.scatter(windows), x.shape)

    def source_offset(self, cache: Any, sample: int, channel: int, p: int) -> int:
        """Kernel offset of the maximum that output position p took (max-pool only)."""
        return int(cache[sample, channel, p])
