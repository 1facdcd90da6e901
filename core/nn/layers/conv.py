"""Convolution (cross-correlation, as in PyTorch) in 1-D and 2-D, one implementation.

Forward gathers every window of the whole batch at once (im2col, channel-major
``[C·K, B·P]``) and does one matrix product ``[F, C·K] @ [C·K, B·P]``; the weight gradient
is one product with the same columns, the input gradient one product and kh·kw strided
additions (col2im), so nothing loops over pixels or samples.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from itertools import islice
from typing import Any, Literal

import numpy as np

from core.i18n import tr
from core.nn.activations import Activation, get_activation
from core.nn.halves import hand_on
from core.nn.layers.base import Field, Layer, Params, Spec, SpecSize, register
from core.nn.layers.fit import window, window_size
from core.nn.layers.kept_view import KeptView
from core.nn.layers.spatial import Geometry
from core.nn.layers.terms import Note, Ref, Term, Terms, note, product


@register
class Conv(Layer):
    """``filters`` kernels over ``[C, L]`` (conv1d) or ``[C, H, W]`` (conv2d) inputs."""

    type_names = ("conv1d", "conv2d")
    fields = (Field("filters", "count", required=True, start=2), Field("kernel", "size", required=True, start=3),
              Field("stride", "size", default=1), Field("padding", "offset", default=0))
    examples = (
        ((2, 5), {"name": "conv", "type": "conv1d", "filters": 2, "kernel": 3, "stride": 2, "padding": 1,
                  "activation": "sigmoid"}),
        ((2, 4, 5), {"name": "conv", "type": "conv2d", "filters": 2, "kernel": [2, 3], "stride": [1, 2],
                     "padding": [1, 0], "activation": "relu"}),
    )
    activated = True
    param_names = ("weight", "bias")

    def __init__(self, name: str, in_shape: tuple[int, ...], filters: int, kernel: tuple[int, int],
                 stride: tuple[int, int], padding: tuple[int, int], activation: Activation,
                 frozen: frozenset[str] = frozenset()) -> None:
        super().__init__(name, in_shape, activation, frozen)
        self.geometry = Geometry(in_shape, kernel, stride, padding)
        self.kind = f"conv{self.geometry.dims}d"
        self.filters = filters
        self.out_shape = (filters, *self.geometry.out_spatial)
        self._net_shape = self.out_shape
        self._weight_shape = self.param_shapes()["weight"]
        self._taps = in_shape[0] * kernel[0] * kernel[1]
        # per batch size: the gather table of the small route without padding, or False
        self._gathers: dict[int, np.ndarray | Literal[False]] = {}
        # the weight as [F, C·K], the bias as [F, 1], a weight gradient array as [F, C·K]
        self._weights = KeptView(lambda weight: weight.reshape(self.filters, self._taps))
        self._bias_column = KeptView(lambda bias: bias.reshape(self.filters, 1))
        self._weight_rows = KeptView(lambda grad: grad.reshape(self.filters, self._taps))
        coupled = activation.coupled
        self._activate = self.activate if coupled else activation.forward  # (the same call, fewer wrappers)

    @classmethod
    def from_spec(cls, spec: Spec, in_shape: tuple[int, ...], previous: str, path: str) -> Conv:
        _, size, stride, padding = window(spec, in_shape, previous, path, "kernel", padded=True)
        return cls(spec["name"], in_shape, spec["filters"], size, stride, padding,
                   get_activation(spec["activation"], spec), frozenset(spec.get("frozen", ())))

    @classmethod
    def spec_size(cls, spec: Spec, in_shape: tuple[int, ...]) -> SpecSize | None:
        filters = spec.get("filters")
        if not isinstance(filters, int):
            return None
        # net, out, grad_out, delta per output; the im2col columns
        return window_size(spec, in_shape, "kernel", padded=True, channels_out=filters, kept_per_output=4)

    def param_shapes(self) -> dict[str, tuple[int, ...]]:
        g = self.geometry
        kernel = (g.kernel[1],) if g.dims == 1 else g.kernel
        return {"weight": (self.filters, g.channels, *kernel), "bias": (self.filters,)}

    def fans(self) -> tuple[int, int]:
        k = self.geometry.kernel[0] * self.geometry.kernel[1]
        return (self.geometry.channels * k, self.filters * k)

    def describe(self) -> str:
        g = self.geometry
        size = str(g.kernel[1]) if g.dims == 1 else f"{g.kernel[0]}×{g.kernel[1]}"
        assert self.activation is not None
        return f"{self.kind} {self.filters}×{size} · {self.activation.name}"

    def forward(self, params: Params, x: np.ndarray) -> tuple[np.ndarray, np.ndarray, Any]:
        b = x.shape[0]
        gather = self._gathers.get(b)
        if gather is None:
            g = self.geometry
            gather = g.gather_index(b) if g.is_small(b) and g.padding == (0, 0) else False
            if len(self._gathers) > 8:
                self._gathers.clear()
            self._gathers[b] = gather
        if gather is not False:  # a small batch without padding: ``columns``' gather, its calls only
            cols = x.reshape(-1)[gather]
            net = self._weights(params["weight"]).dot(cols)  # (``.dot``: ``@``'s product, less dispatch)
            net += self._bias_column(params["bias"])
            # [B, F, …] as below (at batch one the same layout, one call fewer)
            net = net.reshape(self._net_shape)[None] if b == 1 else \
                net.reshape(self.filters, b, *self.geometry.out_spatial).swapaxes(0, 1)
            return net, self._activate(net), cols
        samples = self.geometry.chunk_samples(b, self._taps, self.filters)
        weights, bias = self._weights(params["weight"]), self._bias_column(params["bias"])
        if samples:  # a product bound by memory: columns made and multiplied a chunk at a time
            net, cols = self.geometry.columns_times(weights, x, samples, bias)
        elif self.geometry.is_small(b):  # with padding: columns [C·K, B·P], net [F, B·P] in one product
            cols = self.geometry.columns(x)
            net = weights @ cols
            net += bias
        else:  # the same, or one product per half of the batch past the split threshold
            net, cols = self.geometry.columns_product(weights, x, bias)
        # handed on as a view [B, F, …] of the channel-major result (no copy)
        net = net.reshape(self.filters, b, *self.geometry.out_spatial).swapaxes(0, 1)
        return net, self.activate(net), cols

    def work_per_sample(self) -> int:
        """Its output and its window columns (C·kh·kw values per output position)."""
        return super().work_per_sample() + self._taps * self.geometry.table.positions

    def input_grad(self, params: Params, x: np.ndarray, upstream: np.ndarray, cache: Any) -> np.ndarray:
        b = x.shape[0]
        if self.geometry.is_small(b):
            rows = self._rows(upstream)  # [F, B·P]
        else:
            # a product per run of kernel offsets where OpenBLAS gives each dot product the same float
            # as in the whole product (Geometry.by_offset)
            g = self.geometry
            by_offset = g.by_offset(self.filters, b)
            cut = g.input_grad_cut(self.filters, b) if by_offset else 0
            if cut:  # two sample halves side by side, each from its own rows
                return g.add_products_in_halves(self._weights(params["weight"]), upstream, x.shape, cut)
            # batch innermost: [F, P·B], see Geometry.add_columns
            rows = upstream.reshape(b, self.filters, -1).transpose(1, 2, 0).reshape(self.filters, -1)
            if by_offset:
                return g.add_products(self._weights(params["weight"]), rows, x.shape)
        return self.geometry.add_columns(self._weights(params["weight"]).T @ rows, x.shape)

    def param_grads_can_wait(self, batch: int) -> bool:
        """Where its product is long enough to be handed on (``halves.hand_on``: one
        ``np.dot`` that lets go of the GIL; its operands, δ and the columns, are read only by
        it and ``input_grad``)."""
        return hand_on(self.filters * self._taps * batch * self.geometry.table.positions)

    def param_grads(self, x: np.ndarray, delta: np.ndarray, cache: Any, out: Params | None = None) -> Params:
        d = self._rows(delta)  # [F, B·P]
        # one product d·colsᵀ, always: (cols·dᵀ)ᵀ is faster for some shapes, but OpenBLAS does
        # not sum every one of its dot products in the same order (a [48, 54]·[54, 700] case
        # differs in the last bits), so it would change numbers from one shape to the next.
        # ``np.dot``, not ``@``: the same OpenBLAS product to the bit, but ``matmul`` holds the
        # GIL through this one (d · colsᵀ, long and thin), so no other thread's half could run
        # beside it (benchmarks/gil_calls.py; benchmarks/README.md, "Issue 15, session 7")
        if out is None:
            return {"weight": np.dot(d, cache.T).reshape(self._weight_shape), "bias": d.sum(axis=1)}
        np.dot(d, cache.T, out=self._weight_rows(out["weight"]))
        np.add.reduce(d, axis=1, out=out["bias"])
        return out

    def param_grads_parts(self, x: np.ndarray, delta: np.ndarray, cache: Any, out: Params | None = None
                          ) -> tuple[Params, Callable[[], object]]:
        """``param_grads`` in two: the bias's sum taken here, and the weight's product, the
        same ``np.dot`` into the gradient's array, as a call to run later (one C call: the
        thread that runs it takes the GIL only to start and to end it)."""
        d = self._rows(delta)
        if out is None:
            out = {"weight": np.empty(self._weight_shape), "bias": np.empty(self.filters)}
        np.add.reduce(d, axis=1, out=out["bias"])
        return out, partial(np.dot, d, cache.T, self._weight_rows(out["weight"]))

    def _rows(self, delta: np.ndarray) -> np.ndarray:
        """``[B, F, …]`` → ``[F, B·P]`` (a view when δ is channel-major, as forward leaves it)."""
        b = delta.shape[0]
        if b == 1:  # the same values in the same order (a view when δ is contiguous), two calls fewer
            rows: np.ndarray = delta.reshape(self.filters, -1)
            return rows
        return delta.reshape(b, self.filters, -1).swapaxes(0, 1).reshape(self.filters, -1)

    # --- derivation terms -------------------------------------------------------
    def _kernel_index(self, k: int) -> tuple[int, ...]:
        g = self.geometry
        return (k,) if g.dims == 1 else tuple(int(v) for v in divmod(k, g.kernel[1]))

    def _out_spatial(self, p: int) -> tuple[int, ...]:
        g = self.geometry
        return (p,) if g.dims == 1 else tuple(int(v) for v in divmod(p, g.table.out_width))

    def net_terms(self, sample: int, index: tuple[int, ...], limit: int) -> Terms:
        g = self.geometry
        f = index[0]
        pos = g.flat_position(index[1:])
        taps = g.kernel[0] * g.kernel[1]
        terms: list[Term] = []
        total = padded = 0
        for c in range(g.channels):
            for k in range(taps):
                src = g.input_position(pos, k)
                if src is None:
                    padded += 1
                    continue
                total += 1
                if len(terms) < limit:
                    terms.append(product(Ref("weight", (f, c, *self._kernel_index(k))), Ref("x", (c, *src), sample)))
        notes: tuple[Note, ...] = ()
        if padded:
            notes = (note(tr("{n} kernel taps fall on zero padding and add nothing", n=padded)),)
        notes += (note(tr("cross-correlation: window at output position {position}, stride {stride}",
                          position=list(index[1:]), stride=g.stride[1] if g.dims == 1 else list(g.stride))),)
        return Terms("sum", tuple(terms), total, bias=Ref("bias", (f,)), notes=notes)

    def input_grad_terms(self, cache: Any, sample: int, index: tuple[int, ...], limit: int,
                         source: int = 0) -> Terms:
        g = self.geometry
        c = index[0]
        row = (index[1] if g.dims == 2 else 0) + g.padding[0]
        col = index[-1] + g.padding[1]
        hits = np.argwhere(g.table.index == row * g.table.width + col)  # windows that read this input
        terms: list[Term] = []
        for p, k in hits:
            for f in range(self.filters):
                if len(terms) >= limit:
                    break
                terms.append(product(Ref("delta", (f, *self._out_spatial(int(p))), sample),
                                     Ref("weight", (f, c, *self._kernel_index(int(k))))))
        return Terms("sum", tuple(terms), len(hits) * self.filters,
                     notes=(note(tr("every window of '{layer}' that reads this value passes back δ·w",
                                    layer=self.name)),))

    def param_grad_terms(self, param: str, index: tuple[int, ...], batch: int, limit: int) -> Terms:
        g = self.geometry
        positions = g.table.positions
        if param == "bias":
            f = index[0]
            every = (product(Ref("delta", (f, *self._out_spatial(p)), b))
                     for b in range(batch) for p in range(positions))
            return Terms("sum", tuple(islice(every, limit)), batch * positions,
                         notes=(note("∂E/∂b = δ (∂net/∂b = 1)"),))
        f, c, *kidx = index
        k = g.kernel_offset(tuple(kidx))
        terms: list[Term] = []
        total = 0
        for b in range(batch):
            for p in range(positions):
                src = g.input_position(p, k)
                if src is None:
                    continue
                total += 1
                if len(terms) < limit:
                    terms.append(product(Ref("delta", (f, *self._out_spatial(p)), b), Ref("x", (c, *src), b)))
        why = tr("a shared kernel weight: the sum over every output position of δ × the input under this tap")
        return Terms("sum", tuple(terms), total, notes=(note(why),))

    # --- export -----------------------------------------------------------------
    def torch_lines(self) -> list[str]:
        g = self.geometry
        w, b = self.torch_param("weight"), self.torch_param("bias")
        if g.dims == 1:
            return [f"z = F.conv1d(h, {w}, {b}, stride={g.stride[1]}, padding={g.padding[1]})"]
        return [f"z = F.conv2d(h, {w}, {b}, stride={tuple(g.stride)}, padding={tuple(g.padding)})"]
