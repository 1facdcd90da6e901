"""The index table of sliding windows: which input position each window element reads.

A window operation (convolution or pooling) over a ``[C, H, W]`` input reads, for each
output position p and kernel offset k, the flat input position ``index[p, k]`` of the
(padded) grid. ``spatial.Geometry`` builds its gathers and scatter-adds on this table, and
the derivations use it to name the inputs under a window. 1-D layers use H = 1.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class WindowTable:
    """Window indices for one input size, kernel and stride."""

    height: int
    width: int
    kernel: tuple[int, int]
    stride: tuple[int, int]
    out_height: int = 0
    out_width: int = 0
    index: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.intp))

    def __post_init__(self) -> None:
        kh, kw = self.kernel
        sh, sw = self.stride
        self.out_height = (self.height - kh) // sh + 1
        self.out_width = (self.width - kw) // sw + 1
        rows = (np.arange(self.out_height) * sh)[:, None, None, None] + np.arange(kh)[None, None, :, None]
        cols = (np.arange(self.out_width) * sw)[None, :, None, None] + np.arange(kw)[None, None, None, :]
        flat = rows * self.width + cols  # [OH, OW, kh, kw]
        self.index = flat.reshape(self.out_height * self.out_width, kh * kw).astype(np.intp)

    @property
    def positions(self) -> int:
        return self.out_height * self.out_width

    @property
    def size(self) -> int:
        return self.height * self.width
