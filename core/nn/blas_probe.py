"""Whether this machine's BLAS gives a product made in pieces the very floats of the whole.

The engine's fast routes make a matrix product in pieces (a convolution's forward a chunk
of columns at a time, its input gradient a run of kernel offsets' rows at a time) where each
value is the same dot product as in the whole product. Whether its float is the same too
depends on the kernel OpenBLAS picks for each piece's shape (its small-matrix kernel, a
tile's ragged edge, the CPU's own kernels): a rule measured on one CPU failed on the next.
A kernel sums in an order fixed by shapes, never by values, so one product of random
operands per shape answers for every operand: each route asks here once per shape (the
answers are cached) and takes the whole product where the answer is no.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np


def _operands(*shapes: tuple[int, ...]) -> list[np.ndarray]:
    rng = np.random.default_rng(0)
    return [rng.standard_normal(shape) for shape in shapes]


@lru_cache(maxsize=512)
def column_blocks_agree(rows: int, inner: int, columns: int, starts: tuple[int, ...]) -> bool:
    """Whether ``a @ b[:, start:stop]`` written into those columns of a result, for the
    blocks beginning at ``starts`` (the first 0), gives ``a @ b``'s floats (``a`` is
    ``[rows, inner]``, ``b`` ``[inner, columns]``, both C order, as ``columns_times`` has them)."""
    a, b = _operands((rows, inner), (inner, columns))
    whole = a @ b
    pieces = np.empty_like(whole)
    for start, stop in zip(starts, (*starts[1:], columns)):
        np.matmul(a, b[:, start:stop], out=pieces[:, start:stop])
    return bool(pieces.tobytes() == whole.tobytes())


@lru_cache(maxsize=512)
def offset_products_agree(channels: int, taps: int, filters: int, positions: int, batch: int, group: int,
                          cut: int = 0) -> bool:
    """Whether a convolution's products per run of ``group`` kernel offsets
    (``Geometry.add_products``: ``[group·C, F]·[F, P·B]``, the last run shorter where ``group``
    does not divide the taps) give the whole product ``weights.T @ rows``'s floats
    (``[C·K, F]·[F, P·B]``, batch innermost), and with ``cut`` the two sample halves' runs too
    (``add_products_in_halves``). It costs about two input gradients, once."""
    weights, grid = _operands((filters, channels * taps), (filters, positions, batch))  # batch innermost
    whole = (weights.T @ grid.reshape(filters, -1)).reshape(channels, taps, positions, batch)
    per_offset = np.ascontiguousarray(weights.reshape(filters, channels, taps).transpose(2, 1, 0))  # [K, C, F]
    spans = [(0, cut), (cut, batch)] if cut else [(0, batch)]
    for start, stop in spans:
        rows = np.ascontiguousarray(grid[:, :, start:stop]).reshape(filters, -1)
        want = whole[:, :, :, start:stop]
        for first in range(0, taps, group):
            count = min(group, taps - first)
            got = (per_offset[first:first + count].reshape(count * channels, filters) @ rows)
            got = got.reshape(count, channels, positions, stop - start)
            expected = np.ascontiguousarray(want[:, first:first + count].transpose(1, 0, 2, 3))
            if got.tobytes() != expected.tobytes():
                return False
    return True
