"""Shared geometry of 1-D and 2-D window layers: a 1-D input is a 2-D one with height 1."""

from __future__ import annotations

import numpy as np

from core.layers.windows import WindowTable


class Geometry:
    """Kernel, stride and zero padding over ``[C, L]`` or ``[C, H, W]`` inputs."""

    def __init__(self, in_shape: tuple[int, ...], kernel: tuple[int, int], stride: tuple[int, int],
                 padding: tuple[int, int]) -> None:
        self.dims = len(in_shape) - 1
        self.channels = in_shape[0]
        self.height, self.width = (1, in_shape[1]) if self.dims == 1 else in_shape[1:]
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        ph, pw = padding
        self.table = WindowTable(self.height + 2 * ph, self.width + 2 * pw, kernel, stride)

    @property
    def out_spatial(self) -> tuple[int, ...]:
        t = self.table
        return (t.out_width,) if self.dims == 1 else (t.out_height, t.out_width)

    def as_grid(self, x: np.ndarray) -> np.ndarray:
        """``[B, C, …]`` → zero-padded ``[B, C, Hp, Wp]``."""
        grid = x.reshape(x.shape[0], self.channels, self.height, self.width)
        ph, pw = self.padding
        if ph or pw:
            grid = np.pad(grid, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
        return grid

    def from_grid(self, grid: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
        """Drop the padding of a ``[B, C, Hp, Wp]`` gradient and reshape to ``shape``."""
        ph, pw = self.padding
        if ph or pw:
            grid = grid[:, :, ph:ph + self.height, pw:pw + self.width]
        return np.ascontiguousarray(grid).reshape(shape)

    def input_position(self, p: int, k: int) -> tuple[int, ...] | None:
        """Input index (without channel) read by output position p at kernel offset k,
        or None where it falls in the zero padding."""
        flat = int(self.table.index[p, k])
        row, col = divmod(flat, self.table.width)
        row -= self.padding[0]
        col -= self.padding[1]
        if not (0 <= row < self.height and 0 <= col < self.width):
            return None
        return (col,) if self.dims == 1 else (row, col)

    def flat_position(self, index: tuple[int, ...]) -> int:
        """Output spatial index → p (row-major)."""
        return index[-1] if self.dims == 1 else index[0] * self.table.out_width + index[1]

    def kernel_offset(self, index: tuple[int, ...]) -> int:
        """Kernel spatial index → k (row-major)."""
        return index[-1] if self.dims == 1 else index[0] * self.kernel[1] + index[1]
