"""Shared geometry of 1-D and 2-D window layers: a 1-D input is a 2-D one with height 1.

The fast paths work channel-major: a batch ``[B, C, H, W]`` is handled as its transposed
view ``[C, B, H, W]``, so one matrix product covers the whole batch and its result
``[F, B, …]`` is handed on as a transposed view, never copied back to ``[B, F, …]``.
Arrays passed between layers may therefore be non-contiguous views; every layer accepts
any strides. Loops run over kernel offsets (kh·kw of them), never over pixels.

Small batches (a few thousand window elements, where each NumPy call's fixed cost is what
counts) take the shortest route instead: one fancy-index gather with a cached table of
flat input positions, and one ``np.bincount`` to add gradients back.
"""

from __future__ import annotations

import math
from functools import partial

import numpy as np
from numpy.lib.stride_tricks import as_strided

from core.nn.blas_probe import column_blocks_agree, offset_products_agree
from core.nn.halves import both, same_kernel, split_point, split_work
from core.nn.layers.windows import WindowTable

SMALL = 32768  # window elements (C·K·B·P) up to which the gather-table route is used
CHUNK_TAPS = 32  # rows of columns up to which a conv's forward product is bound by memory
# the columns of a chunk, about (4 MiB: within the last-level cache; 512 KiB chunks, in L2 with
# the product's, cost LeNet's first conv 130 µs more CPU than its 3.7 MB of columns at once here:
# the chunks' own NumPy calls cost more than the L2 saves; benchmarks/README.md, session 8)
CHUNK_BYTES = 1 << 22
# the input gradient's product block per run of kernel offsets, at most about (add_products)
OFFSETS_BYTES = 1 << 21
_ZERO = np.zeros(1)


def offsets_per_product(channels: int, taps: int, positions: int, batch: int) -> int:
    """Kernel offsets per product of ``Geometry.add_products``: the ``[C·K, P·B]`` product in
    the fewest runs of offsets whose blocks stay within OFFSETS_BYTES (one offset a run at
    the least), the runs as even as can be. (One offset per product, as before, made 25
    small products for LeNet's second conv: 650 µs of CPU against 425 for two runs of 13.)"""
    fits = max(1, min(taps, OFFSETS_BYTES // (channels * positions * batch * 8)))
    runs = -(-taps // fits)
    return -(-taps // runs)


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
        self.size = self.channels * self.height * self.width  # one sample's input values
        self._gather: dict[int, np.ndarray] = {}

    def is_small(self, batch: int) -> bool:
        """True when a batch is small enough for the gather-table route."""
        return self.channels * self.table.index.size * batch <= SMALL

    def gather_index(self, batch: int) -> np.ndarray:
        """``[C·K, B·P]`` flat positions in a ``[B, C, H, W]`` batch (C order) read by every
        window element (row c·K + k, column b·P + p); a position in the zero padding is
        ``B·C·H·W``, one past the end, where ``columns`` appends a zero. Cached per B."""
        index = self._gather.get(batch)
        if index is None:
            t = self.table
            ph, pw = self.padding
            rows, cols = np.divmod(t.index, t.width)  # [P, K] in the padded grid
            rows, cols = rows - ph, cols - pw
            inside = (rows >= 0) & (rows < self.height) & (cols >= 0) & (cols < self.width)
            spot = np.where(inside, rows * self.width + cols, -1).T  # [K, P]
            channel = np.arange(self.channels)[:, None, None, None] * (self.height * self.width)
            sample = np.arange(batch)[None, None, :, None] * self.size
            index = np.where(spot[None, :, None, :] >= 0, channel + sample + spot[None, :, None, :],
                             batch * self.size)  # [C, K, B, P]
            index = index.reshape(self.channels * t.index.shape[1], batch * t.positions).astype(np.intp)
            if len(self._gather) > 8:
                self._gather.clear()
            self._gather[batch] = index
        return index

    @property
    def out_spatial(self) -> tuple[int, ...]:
        t = self.table
        return (t.out_width,) if self.dims == 1 else (t.out_height, t.out_width)

    def as_grid(self, x: np.ndarray) -> np.ndarray:
        """``[B, C, …]`` → zero-padded ``[B, C, Hp, Wp]`` (a view when there is no padding)."""
        grid = x.reshape(x.shape[0], self.channels, self.height, self.width)
        ph, pw = self.padding
        if ph or pw:
            b = grid.shape[0]
            padded = np.zeros((self.channels, b, self.table.height, self.table.width))
            padded[:, :, ph:ph + self.height, pw:pw + self.width] = grid.transpose(1, 0, 2, 3)
            grid = padded.transpose(1, 0, 2, 3)
        return grid

    def columns(self, x: np.ndarray) -> np.ndarray:
        """im2col, channel-major: ``[C·kh·kw, B·P]`` (contiguous), row c·K + k, column b·P + p."""
        if self.is_small(x.shape[0]):
            flat = x.reshape(-1)
            if self.padding != (0, 0):
                flat = np.concatenate((flat, _ZERO))
            gathered: np.ndarray = flat[self.gather_index(x.shape[0])]
            return gathered
        grid = self.as_grid(x)
        b = grid.shape[0]
        sb, sc, sy, sx = grid.strides
        t = self.table
        (kh, kw), (dy, dx) = self.kernel, self.stride
        view = as_strided(grid, (self.channels, kh, kw, b, t.out_height, t.out_width),
                          (sc, sy, sx, sb, sy * dy, sx * dx), writeable=False)
        return np.ascontiguousarray(view).reshape(self.channels * kh * kw, b * t.positions)

    def chunk_samples(self, batch: int, taps: int, filters: int) -> int:
        """Samples per chunk when the columns are made and multiplied a chunk at a time
        (``columns_times``), or 0 for the whole batch at once: for a product bound by memory
        (at most CHUNK_TAPS rows of columns) whose columns pass CHUNK_BYTES, chunks of about
        CHUNK_BYTES, each of a multiple of 8 columns (a ragged edge of OpenBLAS's tiles
        would sum otherwise), where this machine's BLAS gives each chunk's values the whole
        product's floats (``column_blocks_agree``, asked once per shape; where it does not,
        chunks twice as large are asked, as they may take the whole product's kernel)."""
        positions = self.table.positions
        if taps > CHUNK_TAPS or self.is_small(batch) or taps * batch * positions * 8 <= 2 * CHUNK_BYTES:
            return 0
        step = 8 // math.gcd(positions, 8)  # samples whose columns come in multiples of 8
        if (batch * positions) % 8:
            return 0
        samples = max(step, CHUNK_BYTES // (taps * positions * 8) // step * step)
        while samples < batch:  # chunks twice as large where smaller ones sum otherwise (a small-matrix kernel)
            starts = tuple(range(0, batch * positions, samples * positions))
            if column_blocks_agree(filters, taps, batch * positions, starts):
                return samples
            samples *= 2
        return 0

    def columns_times(self, weights: np.ndarray, x: np.ndarray, samples: int,
                      bias: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(``weights @ columns(x)`` (+ ``bias``), ``columns(x)``) made ``samples`` samples at a
        time: each chunk of columns is multiplied while it is in cache (the same columns, and
        the same floats as the whole product, for chunks from ``chunk_samples``). Past
        ``halves.SPLIT_WORK`` the chunks are shared out in two runs of whole chunks, one per
        thread (the same calls on the same operands, so the same floats either way)."""
        grid = self.as_grid(x)
        b = grid.shape[0]
        sb, sc, sy, sx = grid.strides
        t = self.table
        (kh, kw), (dy, dx) = self.kernel, self.stride
        positions = t.positions
        cols = np.empty((self.channels * kh * kw, b * positions))
        net = np.empty((weights.shape[0], b * positions))

        def run(starts: range) -> None:
            for start in starts:
                stop = min(b, start + samples)
                view = as_strided(grid[start:], (self.channels, kh, kw, stop - start, t.out_height, t.out_width),
                                  (sc, sy, sx, sb, sy * dy, sx * dx), writeable=False)
                chunk = cols[:, start * positions:stop * positions]
                np.copyto(chunk.reshape(view.shape), view)
                part = net[:, start * positions:stop * positions]
                np.matmul(weights, chunk, out=part)
                if bias is not None:
                    part += bias

        starts = range(0, b, samples)
        cut = split_point(len(starts))
        if cut and split_work(cols.size * (weights.shape[0] + 1)):
            both(lambda: run(starts[:cut]), lambda: run(starts[cut:]))
        else:
            run(starts)
        return net, cols

    def columns_product(self, weights: np.ndarray, x: np.ndarray,
                        bias: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(``weights @ columns(x)`` (+ ``bias``), ``columns(x)``) in one product, or past
        ``halves.SPLIT_WORK`` in two, one per half of the batch on its own thread: a cut at a
        multiple of 8 columns, where each column is the same float as in the whole product
        (OpenBLAS takes the same kernel for halves this large as for the whole, and that
        kernel sums each column alike whatever its neighbours; tests/core/test_halves.py
        checks it over shapes)."""
        b = x.shape[0]
        positions = self.table.positions
        rows = self.channels * self.kernel[0] * self.kernel[1]
        cut = 0 if self.is_small(b) else split_point(b, 8 // math.gcd(positions, 8))
        if not cut or not split_work(2 * weights.shape[0] * rows * cut * positions):
            cols = self.columns(x)
            net: np.ndarray = weights @ cols
            if bias is not None:
                net += bias
            return net, cols
        cols = np.empty((rows, b * positions))
        net = np.empty((weights.shape[0], b * positions))
        grid = self.as_grid(x)

        def run(start: int, stop: int) -> None:
            part = slice(start * positions, stop * positions)
            np.copyto(cols[:, part].reshape(self._window_shape(stop - start)), self._windows(grid[start:stop]))
            np.matmul(weights, cols[:, part], out=net[:, part])
            if bias is not None:
                net[:, part] += bias

        both(lambda: run(0, cut), lambda: run(cut, b))
        return net, cols

    def _window_shape(self, batch: int) -> tuple[int, ...]:
        t = self.table
        return (self.channels, *self.kernel, batch, t.out_height, t.out_width)

    def _windows(self, grid: np.ndarray) -> np.ndarray:
        """The read-only strided view ``[C, kh, kw, B, OH, OW]`` of a padded ``[B, C, Hp, Wp]`` grid."""
        sb, sc, sy, sx = grid.strides
        dy, dx = self.stride
        return as_strided(grid, self._window_shape(grid.shape[0]), (sc, sy, sx, sb, sy * dy, sx * dx),
                          writeable=False)

    def offset_views(self, grid: np.ndarray) -> list[np.ndarray]:
        """The kh·kw strided views ``[…, OH, OW]`` of a ``[…, Hp, Wp]`` array, one per kernel
        offset (row-major): view k holds the input that offset k of every window reads."""
        t = self.table
        (kh, kw), (dy, dx) = self.kernel, self.stride
        ystop, xstop = dy * (t.out_height - 1) + 1, dx * (t.out_width - 1) + 1
        return [grid[..., i:i + ystop:dy, j:j + xstop:dx] for i in range(kh) for j in range(kw)]

    def add_columns(self, cols: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
        """col2im: add window values back onto the input; ``shape`` is the input's ``[B, C, …]``.

        ``cols`` is ``[C·kh·kw, B·P]`` (column b·P + p) on the small-batch route, otherwise
        ``[C·kh·kw, P·B]`` (column p·B + b: batch innermost, so each of the kh·kw strided
        additions runs over long contiguous stretches). Overlapping windows add up;
        padding is dropped."""
        b = shape[0]
        if self.is_small(b):
            total = b * self.size
            flat = np.bincount(self.gather_index(b).reshape(-1), weights=cols.reshape(-1),
                               minlength=total + 1)
            return flat[:total].reshape(shape)
        t = self.table
        (kh, kw), (dy, dx) = self.kernel, self.stride
        ystop, xstop = dy * (t.out_height - 1) + 1, dx * (t.out_width - 1) + 1
        grid = np.zeros((self.channels, t.height, t.width, b))
        parts = cols.reshape(self.channels, kh * kw, t.out_height, t.out_width, b)
        for k, (i, j) in enumerate((i, j) for i in range(kh) for j in range(kw)):
            grid[:, i:i + ystop:dy, j:j + xstop:dx] += parts[:, k]
        ph, pw = self.padding
        if ph or pw:
            grid = grid[:, ph:ph + self.height, pw:pw + self.width]
        return grid.transpose(3, 0, 1, 2).reshape(shape)

    def add_products(self, weights: np.ndarray, rows: np.ndarray, shape: tuple[int, ...],
                     out: np.ndarray | None = None, group: int = 0) -> np.ndarray:
        """``add_columns(weights.T @ rows, shape)`` on the large-batch route (``rows`` is
        ``[F, P·B]``, batch innermost), ``group`` kernel offsets at a time (0: as many as
        ``offsets_per_product`` gives for this batch): the ``[group·C, P·B]`` block of the
        product for those offsets (each value the same dot product over F, so the same float
        where ``offset_products_agree`` says so) is made and added while it is in cache,
        instead of the whole ``[C·K, P·B]`` product first. The additions are the same, in
        the same order."""
        b = shape[0]
        t = self.table
        (kh, kw), (dy, dx) = self.kernel, self.stride
        taps = kh * kw
        group = group or offsets_per_product(self.channels, taps, t.positions, b)
        ystop, xstop = dy * (t.out_height - 1) + 1, dx * (t.out_width - 1) + 1
        grid = np.zeros((self.channels, t.height, t.width, b))
        # [K·C, F]: offset k's rows k·C … k·C + C − 1, so a run of offsets is a run of rows
        per_offset = np.ascontiguousarray(weights.reshape(-1, self.channels, taps).transpose(2, 1, 0))
        per_offset = per_offset.reshape(taps * self.channels, -1)
        block = np.empty((group * self.channels, rows.shape[1]))
        total = np.empty((self.channels, t.out_height, t.out_width, b))
        for first in range(0, taps, group):
            count = min(group, taps - first)
            part = block[:count * self.channels]
            np.matmul(per_offset[first * self.channels:(first + count) * self.channels], rows, out=part)
            parts = part.reshape(count, self.channels, t.out_height, t.out_width, b)
            for k in range(first, first + count):
                i, j = divmod(k, kw)
                # view + part into a contiguous array, then copied back: NumPy's add is about
                # twice as fast writing contiguous memory as writing a strided view in place
                view = grid[:, i:i + ystop:dy, j:j + xstop:dx]
                np.add(view, parts[k - first], out=total)
                np.copyto(view, total)
        ph, pw = self.padding
        if ph or pw:
            grid = grid[:, ph:ph + self.height, pw:pw + self.width]
        if out is not None:  # a C-order array of ``shape`` (a part of a larger batch's)
            np.copyto(out.reshape(b, self.channels, self.height, self.width), grid.transpose(3, 0, 1, 2))
            return out
        return grid.transpose(3, 0, 1, 2).reshape(shape)

    def add_products_in_halves(self, weights: np.ndarray, upstream: np.ndarray, shape: tuple[int, ...],
                               cut: int) -> np.ndarray:
        """``add_products`` of samples ``[0, cut)`` and ``[cut, B)`` side by side (``halves``),
        each from its own ``[F, P·b]`` rows (batch innermost): each sample's additions are its
        own, and each product column is the same dot product over F as in the whole batch's
        product (for cuts from ``input_grad_cut``), so the same floats, laid out as
        ``add_products`` lays them out (C order)."""
        filters = weights.shape[0]
        result = np.empty(shape)
        group = offsets_per_product(self.channels, self.kernel[0] * self.kernel[1], self.table.positions, shape[0])

        def run(start: int, stop: int) -> None:
            part = upstream[start:stop]
            rows = part.reshape(stop - start, filters, -1).transpose(1, 2, 0).reshape(filters, -1)
            self.add_products(weights, rows, (stop - start, *shape[1:]), result[start:stop], group)

        both(partial(run, 0, cut), partial(run, cut, shape[0]))
        return result

    def input_grad_cut(self, filters: int, batch: int) -> int:
        """Where the input gradient's ``add_products`` is cut in two sample halves, or 0: past
        the split threshold, at a cut where each half's product columns come in multiples of
        8 and each half's products per run of offsets [g·C, F]·[F, P·b] stay on the same side of
        OpenBLAS's small-matrix line as the whole's (``halves.same_kernel``); both halves take
        the whole batch's runs of offsets (``offsets_per_product``)."""
        positions = self.table.positions
        cut = split_point(batch, 8 // math.gcd(positions, 8))
        taps = self.kernel[0] * self.kernel[1]
        group = offsets_per_product(self.channels, taps, positions, batch)
        per_sample = self.channels * filters * positions  # an offset's multiply-adds per sample
        if not cut or not split_work(per_sample * batch * taps) \
                or not same_kernel(per_sample * group * batch, per_sample * group * min(cut, batch - cut)) \
                or not offset_products_agree(self.channels, taps, filters, positions, batch, group, cut):
            return 0
        return cut

    def by_offset(self, filters: int, batch: int) -> bool:
        """Whether the input gradient takes ``add_products``: a matrix product per run of offsets
        (C ≥ 2; one row would be a matrix-vector product, summed in another order), few enough filters
        to be summed in one block, P·B a multiple of 8 (a ragged edge of its tiles sums
        otherwise: these three measured over a sweep of shapes), and this machine's BLAS giving
        the whole product's floats for this shape (``offset_products_agree``, the one proof)."""
        positions = self.table.positions
        taps = self.kernel[0] * self.kernel[1]
        return self.channels >= 2 and filters <= 256 and positions * batch % 8 == 0 \
            and offset_products_agree(self.channels, taps, filters, positions, batch,
                                      offsets_per_product(self.channels, taps, positions, batch))

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
