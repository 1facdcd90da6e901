"""Max and average pooling in 1-D and 2-D; windows that do not fit are dropped.

Max-pool routes each gradient to the first maximum of its window (row-major), which is
what ``argmax`` would return; overlapping windows add their gradients.

Both directions loop over the kh·kw kernel offsets, each step one NumPy operation on a
strided view of the whole batch (no loop over pixels). Pools whose stride equals their
size (no overlap, the usual 2×2) take a faster route: a maximum along each row first,
then along the columns, so most work is on half-size arrays. The cache is ``choice``
``[B, C, P]``: the kernel offset (row-major) of the maximum each output took. Small
batches gather all windows with one cached index table instead (``argmax`` and one
``np.bincount``), since there the number of NumPy calls is what costs.
"""

from __future__ import annotations

from functools import partial
from math import prod
from typing import Any, Literal

import numpy as np

from core.i18n import mark, tr
from core.nn.halves import PASSES, both, pair, split_point, split_work
from core.nn.layers.base import Field, Layer, Params, Spec, SpecSize, register
from core.nn.layers.fit import window, window_size
from core.nn.layers.spatial import Geometry
from core.nn.layers.terms import Note, Ref, Term, Terms, note, product

# the forward's gather route takes an argmax along each window, one short row at a time: past
# about this many windows in a batch (B·C·P) the strided route's whole-array maxima are faster
GATHER_WINDOWS = 1024
# max-pool's gather at one batch size: window index, window starts, taps, out and choice shapes
GatherRoute = tuple[np.ndarray, np.ndarray, int, tuple[int, ...], tuple[int, ...]]


@register
class Pool(Layer):
    """``maxpool1d/2d`` or ``avgpool1d/2d`` with window ``size`` and ``stride``."""

    type_names = ("maxpool1d", "maxpool2d", "avgpool1d", "avgpool2d")
    fields = (Field("size", "size", required=True, hint=mark("its window"), start=2),
              Field("stride", "size", default="=size"))
    examples = (
        ((2, 7), {"name": "pool", "type": "maxpool1d", "size": 3, "stride": 2}),
        ((2, 4, 5), {"name": "pool", "type": "maxpool2d", "size": 2}),
        ((2, 6), {"name": "pool", "type": "avgpool1d", "size": 2, "stride": 1}),
        ((2, 5, 4), {"name": "pool", "type": "avgpool2d", "size": [2, 3], "stride": [2, 1]}),
    )

    def __init__(self, name: str, in_shape: tuple[int, ...], mode: str, size: tuple[int, int],
                 stride: tuple[int, int]) -> None:
        super().__init__(name, in_shape)
        self.mode = mode  # "max" | "avg"
        self.geometry = Geometry(in_shape, size, stride, (0, 0))
        self.kind = f"{mode}pool{self.geometry.dims}d"
        self.out_shape = (in_shape[0], *self.geometry.out_spatial)
        self.tiled = tuple(size) == tuple(stride)  # windows tile the input, no overlap
        self.out_size = prod(self.out_shape)  # windows per sample
        # the strided route's kernel offsets take one byte when they fit (a quarter of the
        # memory traffic of intp, for the comparisons of the backward pass)
        taps = size[0] * size[1]
        self._offset_type = np.uint8 if taps <= 256 else np.intp
        self._windows: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self._gather_routes: dict[int, GatherRoute | Literal[False]] = {}
        self._small: dict[int, bool] = {}  # batch size → max-pool and Geometry.is_small, worked out once

    @classmethod
    def from_spec(cls, spec: Spec, in_shape: tuple[int, ...], previous: str, path: str) -> Pool:
        _, size, stride, _ = window(spec, in_shape, previous, path, "size", padded=False)
        return cls(spec["name"], in_shape, spec["type"][:3], size, stride)

    @classmethod
    def spec_size(cls, spec: Spec, in_shape: tuple[int, ...]) -> SpecSize | None:
        # out, grad_out, the max choices per output; the window reads
        return window_size(spec, in_shape, "size", padded=False, channels_out=None, kept_per_output=3)

    def _window_index(self, batch: int) -> tuple[np.ndarray, np.ndarray]:
        """(flat input position of every window element ``[B·C·P·K]`` in a C-order batch,
        start of each window in that list ``[B·C·P]``), cached per batch size."""
        cached = self._windows.get(batch)
        if cached is None:
            g = self.geometry
            plane = g.height * g.width
            starts = np.arange(batch * g.channels)[:, None, None] * plane  # [B·C, 1, 1]
            index = (starts + g.table.index[None]).reshape(-1).astype(np.intp)
            k = g.table.index.shape[1]
            cached = (index, np.arange(0, index.size, k, dtype=np.intp))
            if len(self._windows) > 8:
                self._windows.clear()
            self._windows[batch] = cached
        return cached

    def _gather_route(self, batch: int) -> GatherRoute | Literal[False]:
        """What max-pool's forward gathers with at this batch size (window index, window starts,
        taps, out and choice shapes), or False where the strided route is taken. Cached."""
        route: GatherRoute | Literal[False] = False
        if self.geometry.is_small(batch) and batch * self.out_size <= GATHER_WINDOWS:
            index, starts = self._window_index(batch)
            route = (index, starts, len(index) // len(starts), (batch, *self.out_shape),
                     (batch, self.in_shape[0], self.geometry.table.positions))
        if len(self._gather_routes) > 8:
            self._gather_routes.clear()
        self._gather_routes[batch] = route
        return route

    def describe(self) -> str:
        g = self.geometry
        size = str(g.kernel[1]) if g.dims == 1 else f"{g.kernel[0]}×{g.kernel[1]}"
        return f"{self.mode} {size}"

    def _grid(self, x: np.ndarray) -> np.ndarray:
        """``[B, C, …]`` → channel-major view ``[C, B, H, W]``."""
        g = self.geometry
        return x.reshape(x.shape[0], g.channels, g.height, g.width).swapaxes(0, 1)

    def _batch_major(self, a: np.ndarray, b: int) -> np.ndarray:
        """``[C, B, OH, OW]`` → view ``[B, *out_shape]``."""
        return a.swapaxes(0, 1).reshape(b, *self.out_shape)

    def forward(self, params: Params, x: np.ndarray) -> tuple[None, np.ndarray, Any]:
        b = x.shape[0]
        if self.mode == "avg":
            views = self.geometry.offset_views(self._grid(x))
            total = views[0].copy()
            for view in views[1:]:
                total += view
            total /= len(views)
            return None, self._batch_major(total, b), None
        route = self._gather_routes.get(b)
        if route is None:
            route = self._gather_route(b)
        if route is not False:
            index, starts, taps, out_shape, choice_shape = route
            windows = x.reshape(-1)[index]
            choice = windows.reshape(-1, taps).argmax(axis=1)  # first maximum
            out = windows[starts + choice]
            return None, out.reshape(out_shape), choice.reshape(choice_shape)
        grid = self._grid(x)  # (the gather route above reads x itself)
        maxima = self._max_tiled if self.tiled and self._offset_type is np.uint8 else self._max_any
        cut = split_point(grid.shape[0])
        if cut and grid.flags.c_contiguous and split_work(grid.size * PASSES):
            # two channel ranges side by side; each C-order, as one pass over a C-order grid
            # leaves its maxima, so their concatenation is laid out as the whole batch's
            (low, low_choice), (high, high_choice) = pair(partial(maxima, grid[:cut]), partial(maxima, grid[cut:]))
            out, choice = np.concatenate((low, high)), np.concatenate((low_choice, high_choice))
        else:
            out, choice = maxima(grid)
        positions = self.geometry.table.positions
        return None, self._batch_major(out, b), choice.swapaxes(0, 1).reshape(b, -1, positions)

    def infer(self, params: Params, x: np.ndarray) -> np.ndarray:
        """Evaluation's max-pool: the maxima of the kernel offsets' strided views, without the
        choices only the backward pass reads (max is exact: the same numbers, and the same
        memory layout as ``forward``'s out, which later sums' order depends on)."""
        b = x.shape[0]
        taps = self.geometry.kernel[0] * self.geometry.kernel[1]
        if self.mode != "max" or taps == 1 or (self.geometry.is_small(b) and b * self.out_size <= GATHER_WINDOWS):
            return self.forward(params, x)[1]
        views = self.geometry.offset_views(self._grid(x))
        if self.tiled and self._offset_type is np.uint8:
            out = np.maximum(views[0], views[1])  # laid out as the input, as _max_tiled's out is
        else:
            out = np.maximum(views[0], views[1], out=np.empty(views[0].shape))  # C order, as _max_any's
        for view in views[2:]:
            np.maximum(out, view, out=out)
        return self._batch_major(out, b)

    def _max_any(self, grid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Running maximum over the kernel offsets; a later offset wins only if strictly larger."""
        views = self.geometry.offset_views(grid)
        out = views[0].copy()
        choice = np.zeros(out.shape, dtype=self._offset_type)
        for k, view in enumerate(views[1:], start=1):
            better = view > out
            np.copyto(out, view, where=better)
            choice[better] = k
        return out, choice

    def _max_tiled(self, grid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Non-overlapping windows: maximum along each window row, then down the rows."""
        t = self.geometry.table
        kh, kw = self.geometry.kernel
        grid = grid[:, :, :kh * t.out_height, :kw * t.out_width]
        if kh == 1:
            return self._running_max([grid[..., j::kw] for j in range(kw)])
        # window row i on its own: its maxima and columns come out as contiguous [C, B, OH, OW]
        # arrays (the same values as one pass over all rows, then every kh-th row of it), so
        # picking each window's column below runs on contiguous bytes, not strided ones
        per_row = [self._running_max([grid[:, :, i::kh, j::kw] for j in range(kw)]) for i in range(kh)]
        out, row = self._running_max([maxima for maxima, _ in per_row])  # [C, B, OH, OW]
        chosen_col = per_row[0][1].copy()
        for i in range(1, kh):  # where row == i, the column of row i: col_0 + (col_i − col_0), mod 256
            step = np.subtract(per_row[i][1], chosen_col)
            step *= row if kh == 2 else row == i  # (two rows: row is 0 or 1 already)
            chosen_col += step
        return out, row * kw + chosen_col

    @staticmethod
    def _running_max(views: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        """Elementwise maximum of ``views`` and the index of the first view that holds it."""
        if len(views) == 1:
            return views[0], np.zeros(views[0].shape, dtype=np.uint8)
        best = views[1] > views[0]
        out = np.maximum(views[0], views[1])
        index = best.view(np.uint8)  # a window's row or column (the tiled route needs < 256 of them); no copy
        for k, view in enumerate(views[2:], start=2):
            better = view > out
            out = np.maximum(out, view)
            index[better] = k
        return out, index

    def input_grad(self, params: Params, x: np.ndarray, upstream: np.ndarray, cache: Any) -> np.ndarray:
        b = x.shape[0]
        g = self.geometry
        small = self._small.get(b)
        if small is None:
            if len(self._small) > 8:
                self._small.clear()
            small = self._small[b] = self.mode == "max" and g.is_small(b)
        if small:
            index, starts = self._window_index(b)
            target = index[starts + cache.reshape(-1)]
            routed = np.bincount(target, weights=upstream.reshape(-1), minlength=b * g.size)
            return routed.reshape(x.shape)
        t = g.table
        up = upstream.reshape(b, g.channels, t.out_height, t.out_width).swapaxes(0, 1)
        grad = np.zeros((g.channels, b, g.height, g.width))
        views = g.offset_views(grad)
        if self.mode == "avg":
            share = up / len(views)
            for view in views:
                view += share
        else:
            choice = cache.reshape(b, g.channels, t.out_height, t.out_width).swapaxes(0, 1)
            # ∂E/∂out laid out as the choices (a copy when it comes batch innermost from a conv's
            # input gradient, or batch-major from a dense layer's): every pass below then reads
            # its operands in the order it writes
            up = np.ascontiguousarray(up)

            def route(channels: slice) -> None:
                up_part, choice_part = up[channels], choice[channels]
                for k, view in enumerate(views):
                    if self.tiled:  # each input is in one window at most: write, no add
                        np.multiply(up_part, choice_part == k, out=view[channels])
                    else:
                        np.add(view[channels], up_part, out=view[channels], where=choice_part == k)

            cut = split_point(g.channels)
            if cut and split_work(grad.size * PASSES):  # two channel ranges side by side
                both(partial(route, slice(0, cut)), partial(route, slice(cut, None)))
            else:
                route(slice(None))
        return grad.swapaxes(0, 1).reshape(x.shape)

    def source_offset(self, cache: Any, sample: int, channel: int, p: int) -> int:
        """Kernel offset of the maximum that output position p took (max-pool only)."""
        return int(cache[sample, channel, p])

    # --- derivation terms -------------------------------------------------------
    def out_terms(self, cache: Any, sample: int, index: tuple[int, ...], limit: int) -> Terms:
        """max or mean of the window; a max names the chosen input in a note (its Ref)."""
        g = self.geometry
        c = index[0]
        p = g.flat_position(index[1:])
        taps = g.table.index.shape[1]
        sources = [Ref("x", (c, *g.input_position(p, k)), sample) for k in range(taps)]  # type: ignore[misc]
        terms = tuple(product(ref) for ref in sources[:limit])
        if self.mode == "avg":
            return Terms("mean", terms, taps)
        k = self.source_offset(cache, sample, c, p)
        # where in the window: a position in 1-D, (row, column) in 2-D (offsets are row-major)
        row, column = divmod(k, g.kernel[1])
        at = tr("window offset {k}", k=k) if g.dims == 1 else \
            tr("row {row}, column {column} of its window", row=row, column=column)
        why = note(tr("the maximum is {{0}} ({at}); backward routes the gradient there", at=at), sources[k])
        return Terms("max", terms, taps, notes=(why,))

    def input_grad_terms(self, cache: Any, sample: int, index: tuple[int, ...], limit: int,
                         source: int = 0) -> Terms:
        """Each window holding this input passes back ∂E/∂out: all of it to its maximum
        (max-pool) or a 1/K share to every element (avg-pool)."""
        g = self.geometry
        c = index[0]
        flat = (index[1] if g.dims == 2 else 0) * g.table.width + index[-1]
        hits = np.argwhere(g.table.index == flat)  # (p, k) windows that contain this input
        taps = len(g.table.index[0])
        terms: list[Term] = []
        notes: list[Note] = []
        for p, k in hits:
            out = (c, *self._out_spatial(int(p)))
            grad = Ref("grad_out", out, sample)
            if self.mode == "avg":
                terms.append(Term((grad,), taps))
                continue
            if int(cache[sample, c, int(p)]) == int(k):
                terms.append(product(grad))
                notes.append(note(tr("this value is the maximum of window {{0}}, so it receives that window's "
                                     "gradient"), Ref("out", out, sample)))
            else:
                notes.append(note(tr("not the maximum of window {{0}}: it receives 0"), Ref("out", out, sample)))
        if not hits.size:
            notes.append(note(tr("no pooling window covers this position (it is dropped): 0")))
        return Terms("sum", tuple(terms[:limit]), len(terms), notes=tuple(notes))

    def _out_spatial(self, p: int) -> tuple[int, ...]:
        return (p,) if self.geometry.dims == 1 else tuple(int(v) for v in divmod(p, self.geometry.table.out_width))

    # --- export and diagnosis ---------------------------------------------------
    def torch_lines(self) -> list[str]:
        g = self.geometry
        size = g.kernel[1] if g.dims == 1 else tuple(g.kernel)
        stride = g.stride[1] if g.dims == 1 else tuple(g.stride)
        return [f"h = F.{self.mode}_pool{g.dims}d(h, kernel_size={size!r}, stride={stride!r})"]

    def slip_routes(self, params: Params, upstream: np.ndarray, index: tuple[int, ...]) -> dict[str, list[float]]:
        """pool-route (max-pool): the gradient of another window, or none at all."""
        if self.mode != "max":
            return {}
        return {"pool-route": [float(g) for g in np.unique(upstream)] + [0.0]}
