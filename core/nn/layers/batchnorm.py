"""Batch normalisation (``batchnorm1d``, ``batchnorm2d``), in training mode as PyTorch runs it.

Per channel c (the features of a [F] input, the channels of [C, L] or [C, H, W]), over
the N = B·(positions) values of the batch:

    μ_c = (1/N) Σ x,   σ²_c = (1/N) Σ (x − μ_c)²  (biased),   x̂ = (x − μ_c) / √(σ²_c + ε),
    net = γ_c·x̂ + β_c,  out = f(net),
    running_mean′ = (1 − m)·running_mean + m·μ_c,
    running_var′  = (1 − m)·running_var + m·σ²_c·N/(N − 1)  (unbiased).

Backward: ∂E/∂x̂ = δ·γ; ∂E/∂x = (1/(N·σ)) (N·∂E/∂x̂ − Σ ∂E/∂x̂ − x̂·Σ ∂E/∂x̂·x̂), σ = √(σ²+ε),
since μ and σ² depend on every value of the channel (the batch is coupled). Over channels
of 8,192 values or more laid out channel by channel, training computes it in torch's equal
form (γ/σ)·(δ − Σδ/N − x̂·Σδ·x̂/N) from the parameter gradients' sums, one channel at a time
(``batchnorm_rows``; its last bits may differ from the three-term form's). Held-out
evaluation normalises with the running statistics instead, and changes nothing. A training
pass over half of the batch (``Context.halves``: core/engine/batch_halves.py) takes N, μ,
σ² and the backward pass's two sums of the whole batch, each sum its half's plus the other
half's, in the three-term form.
"""

from __future__ import annotations

from functools import partial
from math import prod
from typing import Any

import numpy as np

from core.errors import ScenarioError
from core.i18n import tr, tr_n
from core.nn.activations import Activation, get_activation
from core.nn.halves import PASSES, both, split_point, split_work
from core.nn.layers import batchnorm_rows as by_channel
from core.nn.layers.base import Context, Field, Forward, Layer, Params, Spec, SpecSize, register, shape_text
from core.nn.layers.terms import Formula, Ref, Terms, Writer, note, product
from core.text import python_literal

STATISTICS = ("mean", "var", "xhat", "running_mean", "running_var")


def _exact(values: np.ndarray, kind: str) -> np.ndarray:
    """No rounding: exact mode's intermediates, as torch computes them."""
    return values


@register
class BatchNorm(Layer):
    """Normalise each channel over the batch, then scale by γ (``weight``) and shift by β (``bias``)."""

    type_names = ("batchnorm1d", "batchnorm2d")
    fields = (Field("momentum", "number", default=0.1, low=0, high=1),
              Field("eps", "number", default=1e-5, low=0, low_open=True))
    examples = (((2, 3), {"name": "bn", "type": "batchnorm1d", "activation": "tanh", "momentum": 0.2}),
                ((2, 2, 2), {"name": "bn", "type": "batchnorm2d", "activation": "linear"}))
    activated = True
    param_names = ("weight", "bias")
    param_defaults = {"weight": 1.0, "bias": 0.0}
    param_symbols = {"weight": "γ", "bias": "β"}
    state_defaults = {"running_mean": 0.0, "running_var": 1.0}

    def __init__(self, name: str, in_shape: tuple[int, ...], kind: str, momentum: float, eps: float,
                 activation: Activation, frozen: frozenset[str] = frozenset()) -> None:
        super().__init__(name, in_shape, activation, frozen)
        self.kind = kind
        self.momentum = momentum
        self.eps = eps
        self.channels = in_shape[0]
        self.positions = prod(in_shape[1:])  # values per channel in one sample
        self.out_shape = in_shape

    @classmethod
    def from_spec(cls, spec: Spec, in_shape: tuple[int, ...], previous: str, path: str) -> BatchNorm:
        kind = spec["type"]
        if kind == "batchnorm1d" and len(in_shape) not in (1, 2):
            raise ScenarioError(tr("batchnorm1d normalises a [features] or [channels, length] input, but {previous} "
                                   "gives {shape}: use batchnorm2d for [channels, height, width]", previous=previous,
                                   shape=shape_text(in_shape)), field=f"{path}.type")
        if kind == "batchnorm2d" and len(in_shape) != 3:
            raise ScenarioError(tr("batchnorm2d normalises a [channels, height, width] input, but {previous} "
                                   "gives {shape}: use batchnorm1d for [features] or [channels, length]",
                                   previous=previous, shape=shape_text(in_shape)), field=f"{path}.type")
        return cls(spec["name"], in_shape, kind, float(spec["momentum"]), float(spec["eps"]),
                   get_activation(spec["activation"], spec), frozenset(spec.get("frozen", ())))

    @classmethod
    def spec_size(cls, spec: Spec, in_shape: tuple[int, ...]) -> SpecSize | None:
        dims = (1, 2) if spec["type"] == "batchnorm1d" else (3,)
        if len(in_shape) not in dims:
            return None
        size = prod(in_shape)
        return SpecSize(in_shape, 5 * size, 2 * in_shape[0])  # net, out, grad_out, delta, x̂

    def batch_refusal(self, batch_size: int) -> str | None:
        if batch_size * self.positions > 1:
            return None
        what = tr("each feature") if len(self.in_shape) == 1 else tr("each channel")
        return tr("batch norm in training mode needs more than one value per channel, but with batch_size 1 "
                  "on a {shape} input {what} has one (its variance would be 0): set batch_size to 2 or more",
                  shape=shape_text(self.in_shape), what=what)

    def param_shapes(self) -> dict[str, tuple[int, ...]]:
        return {"weight": (self.channels,), "bias": (self.channels,)}

    def fans(self) -> tuple[int, int]:
        return (1, 1)

    def own_kinds(self) -> dict[str, tuple[int, ...]]:
        c = (self.channels,)
        return {"mean": c, "var": c, "xhat": self.in_shape, "running_mean": c, "running_var": c}

    def given_refusal(self, kind: str, values: np.ndarray) -> str | None:
        if kind == "running_var" and np.any(values < 0):
            return tr("a variance cannot be negative")
        return None

    def describe(self) -> str:
        assert self.activation is not None
        return f"{self.kind} {self.channels} · {self.activation.name}"

    # --- maths ------------------------------------------------------------------
    def _axes(self, ndim: int) -> tuple[int, ...]:
        """The axes of a batch array a channel's statistics run over: all but the channel's."""
        return (0, *range(2, ndim))

    def _per_channel(self, v: np.ndarray, ndim: int) -> np.ndarray:
        """A [C] array shaped to broadcast over a batch array with ``ndim`` axes."""
        return v.reshape((1, self.channels) + (1,) * (ndim - 2))

    def count(self, batch: int) -> int:
        """N: the values one channel's statistics are taken over."""
        return batch * self.positions

    def forward(self, params: Params, x: np.ndarray) -> tuple[np.ndarray | None, np.ndarray, Any]:
        result = self.forward_in(params, [x], Context())  # an iteration from the default state
        return result.net, result.out, result.cache

    def forward_in(self, params: Params, xs: list[np.ndarray], ctx: Context) -> Forward:
        x = xs[0]
        nd = x.ndim
        axes = self._axes(nd)
        state = ctx.state or self.initial_state()
        # μ, σ² and x̂ as the learner writes them (rounded under hand-rounding), each before the next uses it
        written = ctx.rounding or _exact
        halves = ctx.halves if ctx.training else None  # half of the batch: its sums meet the other half's
        cut = self._split(x) if ctx.training and written is _exact and halves is None else None
        if halves is not None:
            n = self.count(halves.batch)
            mean = written(halves.add(x.sum(axis=axes)) / n, "mean")
            centred = x - self._per_channel(mean, nd)
            scratch = np.multiply(centred, centred, out=np.empty_like(centred))
            var = written(halves.add(scratch.sum(axis=axes)) / n, "var")
        elif cut is not None:
            n = self.count(x.shape[0])
            mean, var, std, xhat, net = self._normalise_in_halves(params, x, cut)
        elif ctx.training:
            n = self.count(x.shape[0])
            mean = written(x.mean(axis=axes), "mean")
            centred = x - self._per_channel(mean, nd)
            # the squares go to a buffer laid out as ``centred`` (the sum's order), which
            # then takes x̂: each pass touches two arrays, not three (they fit in L2 together)
            scratch = np.multiply(centred, centred, out=np.empty_like(centred))
            var = written(scratch.mean(axis=axes), "var")
        else:
            mean, var = state["running_mean"], state["running_var"]
            centred = x - self._per_channel(mean, nd)
            scratch = np.empty_like(centred)
        if cut is None:
            std = np.sqrt(var + self.eps)
            xhat = written(np.divide(centred, self._per_channel(std, nd), out=scratch), "xhat")
            # γ·x̂ + β into centred's buffer (no longer needed): the same two operations, in place
            net = np.multiply(xhat, self._per_channel(params["weight"], nd), out=centred)
            net += self._per_channel(params["bias"], nd)
        out = self.activate(net)
        # big channels: γ (for param_grads to take the input gradient with its sums), then the
        # δ those were taken of, the sums and that input gradient (handed out once)
        kept: dict[str, Any] = {"gamma": params["weight"]}
        cache = (xhat, std, ctx.training, written, kept, halves)
        if not ctx.training:
            return Forward(net, out, cache)
        m = self.momentum
        running_mean = (1 - m) * state["running_mean"] + m * mean
        running_var = (1 - m) * state["running_var"] + m * var * (n / (n - 1))
        values = {"mean": mean, "var": var, "xhat": xhat, "running_mean": running_mean, "running_var": running_var}
        return Forward(net, out, cache, values)

    def _split(self, x: np.ndarray) -> int | None:
        """Where a training batch's channels are cut in two for ``_normalise_in_halves``, or
        None: past the split threshold, for a batch laid out channel by channel (as a conv
        layer hands it on), whose channel ranges are then contiguous blocks."""
        cut = split_point(self.channels)
        if not cut or not split_work(x.size * PASSES) or by_channel.channel_rows(x, self.channels) is None:
            return None
        return cut

    def _normalise_in_halves(self, params: Params, x: np.ndarray, cut: int
                             ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Training's (μ, σ², σ, x̂, net) in two channel ranges side by side: each channel's
        statistics and values are the same operations on the same values as the whole
        batch's expressions in ``forward_in`` (a channel's reduction runs over its own
        contiguous block either way), written into arrays laid out as those would be."""
        nd = x.ndim
        axes = self._axes(nd)
        mean, var, std = np.empty(self.channels), np.empty(self.channels), np.empty(self.channels)
        centred, xhat = np.empty_like(x), np.empty_like(x)
        gamma, beta = params["weight"], params["bias"]

        def run(c: slice) -> None:
            part, into, scratch = x[:, c], centred[:, c], xhat[:, c]
            shape = (1, part.shape[1]) + (1,) * (nd - 2)  # a range's [C] values over its batch
            mean[c] = part.mean(axis=axes)
            np.subtract(part, mean[c].reshape(shape), out=into)
            np.multiply(into, into, out=scratch)
            var[c] = scratch.mean(axis=axes)
            std[c] = np.sqrt(var[c] + self.eps)
            np.divide(into, std[c].reshape(shape), out=scratch)
            np.multiply(scratch, gamma[c].reshape(shape), out=into)
            into += beta[c].reshape(shape)

        both(partial(run, slice(0, cut)), partial(run, slice(cut, None)))
        return mean, var, std, xhat, centred

    def input_grad(self, params: Params, x: np.ndarray, upstream: np.ndarray, cache: Any) -> np.ndarray:
        xhat, std, training, written, kept, halves = cache
        nd = x.ndim
        if training and written is _exact and halves is None:
            # channels of many values laid out channel by channel: torch's form, one channel at a
            # time, from the sums param_grads took of this very δ (or the same sums taken here)
            up_rows, xhat_rows = by_channel.channel_rows(upstream, self.channels), \
                by_channel.channel_rows(xhat, self.channels)
            if up_rows is not None and xhat_rows is not None:
                mine = kept.get("delta") is upstream and kept["gamma"] is params["weight"]
                if mine and "grad" in kept:  # param_grads took it with the sums: handed out once
                    taken: np.ndarray = kept.pop("grad")
                    return taken
                sums = kept.get("sums") if mine else None
                return by_channel.input_grad(up_rows, xhat_rows, params["weight"], std, upstream.shape, sums)
        g = upstream * self._per_channel(params["weight"], nd)  # ∂E/∂x̂ = δ·γ
        if not training:  # the running statistics are constants
            result: np.ndarray = g / self._per_channel(std, nd)
            return result
        axes = self._axes(nd)
        if halves is not None:  # the whole batch's N and sums: this half's and the other's
            n = self.count(halves.batch)
            scratch = g * xhat
            sums = halves.add(np.stack((g.sum(axis=axes), scratch.sum(axis=axes))))
            s1, s2 = self._per_channel(written(sums[0], ""), nd), self._per_channel(written(sums[1], ""), nd)
        else:
            n = self.count(x.shape[0])
            s1 = self._per_channel(written(g.sum(axis=axes), ""), nd)  # the two sums as written (hand-rounding)
            scratch = g * xhat
            s2 = self._per_channel(written(scratch.sum(axis=axes), ""), nd)
        coefficient = 1.0 / (n * self._per_channel(std, nd))
        if g.strides != xhat.strides:  # the textbook expression, laid out as NumPy lays it out
            grad: np.ndarray = coefficient * (n * g - s1 - xhat * s2)
            return grad
        # (1/(N·σ))·(N·g − s1 − x̂·s2) in place, the same operations in the same order
        # (g and x̂ laid out alike, so the result's layout is the expression's)
        g *= n
        g -= s1
        g -= np.multiply(xhat, s2, out=scratch)
        g *= coefficient
        in_place: np.ndarray = g
        return in_place

    def param_grads(self, x: np.ndarray, delta: np.ndarray, cache: Any, out: Params | None = None) -> Params:
        xhat = cache[0]
        axes = self._axes(delta.ndim)
        delta_rows, xhat_rows = by_channel.channel_rows(delta, self.channels), \
            by_channel.channel_rows(xhat, self.channels)
        if delta_rows is not None and xhat_rows is not None and cache[5] is None:  # (halves: their sums meet)
            into = out if out is not None else {"weight": np.empty(self.channels), "bias": np.empty(self.channels)}
            kept = cache[4]
            if cache[2] and cache[3] is _exact:  # training, exact: the input gradient too, from the same rows
                grad = by_channel.gradients(delta_rows, xhat_rows, kept["gamma"], cache[1], delta.shape,
                                            into["weight"], into["bias"])
                kept.update(delta=delta, sums=(into["bias"].copy(), into["weight"].copy()), grad=grad)
                return into
            by_channel.param_grads(delta_rows, xhat_rows, into["weight"], into["bias"])
            kept.update(delta=delta, sums=(into["bias"].copy(), into["weight"].copy()))
            return into
        if out is None:
            return {"weight": (delta * xhat).sum(axis=axes), "bias": delta.sum(axis=axes)}
        np.sum(delta * xhat, axis=axes, out=out["weight"])
        np.sum(delta, axis=axes, out=out["bias"])
        return out

    # --- derivation terms -------------------------------------------------------
    def _members(self, batch: int, channel: int, limit: int) -> list[tuple[int, tuple[int, ...]]]:
        """(sample, index) of the first ``limit`` values of a channel, sample by sample."""
        found: list[tuple[int, tuple[int, ...]]] = []
        for b in range(batch):
            for pos in np.ndindex(*self.in_shape[1:]):
                if len(found) == limit:
                    return found
                found.append((b, (channel, *(int(p) for p in pos))))
        return found

    def net_terms(self, sample: int, index: tuple[int, ...], limit: int) -> Terms:
        c = index[0]
        return Terms("sum", (product(Ref("weight", (c,)), Ref("xhat", index, sample)),), 1,
                     bias=Ref("bias", (c,)),
                     notes=(note(tr("batch norm: net = γ·x̂ + β, with x̂ the input normalised by the batch's "
                                    "statistics of its channel")),))

    def input_grad_terms(self, cache: Any, sample: int, index: tuple[int, ...], limit: int,
                         source: int = 0) -> Terms:
        """The first factor of the route only: ∂E/∂x̂ = δ·γ (explain writes the whole
        three-term formula from ``input_grad_formula``)."""
        return Terms("sum", (product(Ref("delta", index, sample), Ref("weight", (index[0],))),), 1,
                     notes=(note("∂E/∂x̂ = δ·γ"),))

    def param_grad_terms(self, param: str, index: tuple[int, ...], batch: int, limit: int) -> Terms:
        c = index[0]
        members = self._members(batch, c, limit)
        total = self.count(batch)
        if param == "bias":
            return Terms("sum", tuple(product(Ref("delta", i, b)) for b, i in members), total,
                         notes=(note(tr("∂E/∂β = Σ δ over the channel's values in the batch (∂net/∂β = 1)")),))
        return Terms("sum", tuple(product(Ref("delta", i, b), Ref("xhat", i, b)) for b, i in members), total,
                     notes=(note(tr("∂E/∂γ = Σ δ·x̂ over the channel's values in the batch (∂net/∂γ = x̂)")),))

    def own_formula(self, kind: str, sample: int, index: tuple[int, ...], w: Writer) -> Formula:
        """μ, σ², x̂ and the running statistics, with every number."""
        c = index[0]
        mean_ref, var_ref = Ref("mean", (c,)), Ref("var", (c,))
        if kind == "xhat":  # one value's own formula: the channel's members are not read
            x = Ref("x", index, sample)
            return Formula(f"({w.sym(x)} − {w.sym(mean_ref)}) / √({w.sym(var_ref)} + ε)",
                           f"({w.n(w.val(x))} − {w.p(w.val(mean_ref))}) / √({w.n(w.val(var_ref))} + "
                           f"{w.n(self.eps)})",
                           (tr("ε = {eps} keeps the division finite", eps=w.n(self.eps)),))
        batch = w.batch
        n = self.count(batch)
        members = self._members(batch, c, w.limit) if kind in ("mean", "var") else []
        more = n > len(members)
        tail = " + …" if more else ""
        samples = tr_n("{n} sample", "{n} samples", batch)
        where = (tr("over the N = {n} values of channel {c} in the batch ({samples} × {positions} positions)", n=n,
                    c=c, samples=samples, positions=self.positions) if self.positions > 1 else
                 tr("over the N = {n} values of channel {c} in the batch ({samples})", n=n, c=c, samples=samples))
        if kind == "mean":
            xs = [Ref("x", i, b) for b, i in members]
            nums = [w.n(w.val(x)) if k == 0 else w.p(w.val(x)) for k, x in enumerate(xs)]
            return Formula(f"({' + '.join(w.sym(x) for x in xs)}{tail}) / {n}", f"({' + '.join(nums)}{tail}) / {n}",
                           (tr("the batch mean, {where}", where=where),))
        if kind == "var":
            mu_s, mu = w.sym(mean_ref), w.val(mean_ref)
            syms = [f"({w.sym(Ref('x', i, b))} − {mu_s})²" for b, i in members]
            nums = [f"({w.n(w.val(Ref('x', i, b)))} − {w.p(mu)})²" for b, i in members]
            return Formula(f"({' + '.join(syms)}{tail}) / {n}", f"({' + '.join(nums)}{tail}) / {n}",
                           (tr("the biased variance (÷N, as batch norm normalises with), {where}", where=where),))
        m = self.momentum
        before = Ref(kind, (c,), before=True)
        if kind == "running_mean":
            return Formula(f"(1 − m)·{w.sym(before)} + m·{w.sym(mean_ref)}",
                           f"(1 − {w.n(m)})·{w.p(w.val(before))} + {w.n(m)}·{w.p(w.val(mean_ref))}",
                           (tr("momentum m = {m}: the running mean moves a step m toward this batch's mean",
                               m=w.n(m)),))
        if kind == "running_var":
            return Formula(f"(1 − m)·{w.sym(before)} + m·{w.sym(var_ref)}·N/(N − 1)",
                           f"(1 − {w.n(m)})·{w.p(w.val(before))} + {w.n(m)}·{w.p(w.val(var_ref))}·{n}/{n - 1}",
                           (tr("momentum m = {m}; the running variance takes the unbiased variance "
                               "σ²·N/(N − 1) (N = {n}), as PyTorch does, though x̂ used the biased one",
                               m=w.n(m), n=n),))
        raise KeyError(kind)

    def _channel_sums(self, cache: Any, c: int, w: Writer) -> tuple[float, float, Formula, Formula]:
        """Σ∂E/∂x̂ and Σ∂E/∂x̂·x̂ over channel ``c`` (values and written sums), which every
        input gradient of the channel shows: worked out once a channel (``Writer.once``)."""
        n = self.count(w.batch)
        gamma = Ref("weight", (c,))
        every = self._members(w.batch, c, n)
        g = w.val(gamma)
        written = cache[3]  # the sums as the backward pass used them (rounded under hand-rounding)
        s1 = float(written(np.array(sum(w.val(Ref("delta", i, b)) * g for b, i in every)), ""))
        s2 = float(written(np.array(sum(w.val(Ref("delta", i, b)) * g * w.val(Ref("xhat", i, b)) for b, i in every)),
                           ""))
        shown = every[:w.limit]
        sum1 = w.terms(Terms("sum", tuple(product(Ref("delta", i, b), gamma) for b, i in shown), n))
        sum2 = w.terms(Terms("sum", tuple(product(Ref("delta", i, b), gamma, Ref("xhat", i, b)) for b, i in shown), n))
        return s1, s2, sum1, sum2

    def input_grad_formula(self, cache: Any, sample: int, index: tuple[int, ...], w: Writer,
                           source: int = 0) -> Formula:
        """The three-term formula of ∂E/∂x, with the two sums over the channel written out below."""
        c = index[0]
        batch = w.batch
        n = self.count(batch)
        gamma = Ref("weight", (c,))
        d, xh, var = Ref("delta", index, sample), Ref("xhat", index, sample), Ref("var", (c,))
        g = w.val(gamma)
        s1, s2, sum1, sum2 = w.once(("channel sums", c), lambda: self._channel_sums(cache, c, w))
        e = w.loss_symbol
        formula = (f"(1/({n}·√({w.sym(var)} + ε)))·({n}·{w.sym(d)}·{w.sym(gamma)} − Σ∂{e}/∂x̂ − "
                   f"{w.sym(xh)}·Σ∂{e}/∂x̂·x̂)")
        substituted = (f"(1/({n}·√({w.n(w.val(var))} + {w.n(self.eps)})))·({n}·{w.p(w.val(d))}·{w.p(g)} − "
                       f"{w.p(s1)} − {w.p(w.val(xh))}·{w.p(s2)})")
        notes = (tr("'{layer}' normalises with its batch's statistics, so every value of channel {c} "
                    "(N = {n}) reaches this one: {formula}, with {part} and σ = √(σ² + ε)", layer=self.name, c=c,
                    n=n, formula=f"∂{e}/∂x = (1/(N·σ))·(N·∂{e}/∂x̂ − Σ∂{e}/∂x̂ − x̂·Σ∂{e}/∂x̂·x̂)",
                    part=f"∂{e}/∂x̂ = δ·γ"),
                 f"Σ∂{e}/∂x̂ = {sum1.formula} = {sum1.substituted} = {w.n(s1)}",
                 f"Σ∂{e}/∂x̂·x̂ = {sum2.formula} = {sum2.substituted} = {w.n(s2)}")
        return Formula(formula, substituted, notes)

    # --- slips ------------------------------------------------------------------
    def own_slips(self, kind: str, sample: int, index: tuple[int, ...], w: Writer) -> dict[str, list[float]]:
        """The variances swapped: σ² unbiased (÷(N − 1)) in the normalisation, or the
        running variance fed the biased one (÷N)."""
        c = index[0]
        n = self.count(w.batch)
        var = w.val(Ref("var", (c,)))
        unbiased = var * n / (n - 1)
        if kind == "var":
            return {"unbiased-variance": [unbiased]}
        if kind == "xhat":
            centred = w.val(Ref("x", index, sample)) - w.val(Ref("mean", (c,)))
            return {"unbiased-variance": [centred / float(np.sqrt(unbiased + self.eps))]}
        if kind == "running_var":
            before = w.val(Ref("running_var", (c,), before=True))
            m = self.momentum
            return {"biased-running-variance": [(1 - m) * before + m * var]}
        return {}

    # --- export -----------------------------------------------------------------
    def torch_lines(self) -> list[str]:
        """F.batch_norm in training mode on copies of the running statistics (it updates them
        in place); the batch statistics and x̂ are reported beside it."""
        key = self.name
        rm, rv = python_literal(f"{key}.running_mean"), python_literal(f"{key}.running_var")
        return [
            f"running_mean, running_var = state[{rm}].clone(), state[{rv}].clone()",
            f"z = F.batch_norm(h, running_mean, running_var, weight={self.torch_param('weight')}, "
            f"bias={self.torch_param('bias')}, training=True, momentum={self.momentum!r}, eps={self.eps!r})",
            "with torch.no_grad():",
            "    dims = [0] + list(range(2, h.dim()))",
            "    shape = [1, -1] + [1] * (h.dim() - 2)",
            "    mean, var = h.mean(dim=dims), h.var(dim=dims, unbiased=False)",
            f"    own[{python_literal(key + '.mean')}], own[{python_literal(key + '.var')}] = mean, var",
            f"    own[{python_literal(key + '.xhat')}] = (h - mean.reshape(shape)) / "
            f"torch.sqrt(var.reshape(shape) + {self.eps!r})",
            f"    own[{rm}], own[{rv}] = running_mean, running_var",
        ]
