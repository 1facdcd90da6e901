"""Index tables that turn sliding windows into one gather and one scatter.

A window operation (convolution or pooling) over a ``[C, H, W]`` input reads, for each
output position p and kernel offset k, the flat input position ``index[p, k]``. Gathering
with that table gives all windows at once (im2col); ``np.bincount`` over it adds
gradients back, overlapping windows included. 1-D layers use H = 1.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class WindowTable:
    """Gather/scatter indices for one input size, kernel and stride."""

    height: int
    width: int
    kernel: tuple[int, int]
    stride: tuple[int, int]
    out_height: int = 0
    out_width: int = 0
    index: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.intp))
    _scatter: dict[tuple[int, int], np.ndarray] = field(default_factory=dict, repr=False)

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

    def gather(self, x: np.ndarray) -> np.ndarray:
        """``[B, C, H, W]`` → windows ``[B, C, P, K]``."""
        b, c = x.shape[:2]
        return x.reshape(b, c, self.size)[:, :, self.index]

    def scatter_index(self, batch: int, channels: int) -> np.ndarray:
        """Flat targets in a ``[B·C·H·W]`` buffer for every window element ``[B, C, P, K]``."""
        key = (batch, channels)
        table = self._scatter.get(key)
        if table is None:
            offsets = (np.arange(batch * channels) * self.size).reshape(batch, channels, 1, 1)
            table = (offsets + self.index[None, None]).ravel()
            self._scatter[key] = table
        return table

    def scatter(self, windows: np.ndarray) -> np.ndarray:
        """Add window values ``[B, C, P, K]`` back onto a ``[B, C, H, W]`` grid."""
        b, c = windows.shape[:2]
        flat = np.bincount(self.scatter_index(b, c), weights=windows.ravel(),
                           minlength=b * c * self.size)
        return flat.reshape(b, c, self.height, self.width)
