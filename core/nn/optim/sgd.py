"""SGD exactly as ``torch.optim.SGD`` (non-foreach, maximize=False): plain, with momentum,
dampening, Nesterov and L2 weight decay.

    g = ∂E/∂w + λ·w                      (weight decay λ, when λ ≠ 0)
    v = g  on the first step, then v = μ·v + (1 − τ)·g   (momentum μ, dampening τ, when μ ≠ 0)
    d = g + μ·v  (Nesterov)  or  d = v   (momentum)  or  d = g  (plain)
    w′ = w − α·d

Plain SGD keeps no state; with momentum it keeps torch's ``momentum_buffer``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from core.i18n import mark, tr
from core.nn.optim.base import (
    Candidates,
    Field,
    Hyper,
    Optimizer,
    OptimizerConfig,
    UpdateContext,
    UpdateStep,
    Value,
    setting,
)
from core.numbers import fmt

BUFFER = "momentum_buffer"


def _direction(ctx: UpdateContext) -> float:
    """d of w′ = w − α·d, read back from the stored values (α > 0)."""
    return (ctx.old - ctx.new) / ctx.hyper.learning_rate


def _plain(ctx: UpdateContext) -> bool:
    return ctx.hyper.number("momentum") == 0 and ctx.hyper.number("weight_decay") == 0


def _gradient(ctx: UpdateContext) -> float:
    """g = ∂E/∂w + λ·w, the gradient the rule uses."""
    return ctx.grad + ctx.hyper.number("weight_decay") * ctx.old


def _sign(ctx: UpdateContext, exact: float) -> Candidates:
    alpha = ctx.hyper.learning_rate
    if ctx.target == BUFFER:  # the buffer's gradient term subtracted (the exact value negated is the passes' own)
        if BUFFER not in ctx.state_before:
            return []
        h = ctx.hyper
        alt = h.number("momentum") * ctx.state_before[BUFFER] - (1 - h.number("dampening")) * _gradient(ctx)
        return [(alt, mark("{alt} subtracts the gradient in the buffer: torch's buffer adds it, v = μ·v + g, "
                           "and the update subtracts α·v"))]
    if ctx.target != "new":
        return []
    if _plain(ctx):
        return [(ctx.old + alpha * ctx.grad, mark("{alt} is w + α·∂E/∂w: the update must subtract the gradient"))]
    return [(ctx.old + alpha * _direction(ctx), mark("{alt} adds the step α·d instead of subtracting it: "
                                                     "the update goes against the gradient"))]


def _cs231n(ctx: UpdateContext, exact: float) -> Candidates:
    """CS231n's momentum, v = μ·v − α·g; w += v, worked on torch's buffer v = μ·v + g; w −= α·v.
    The two give the same weights when α stays fixed (CS231n's v is −α times torch's), so the
    slip shows in the buffer, and in a weight once a buffer carries over."""
    h = ctx.hyper
    momentum = h.number("momentum")
    if momentum == 0 or h.number("dampening") != 0 or h.options["nesterov"]:
        return []
    before = ctx.state_before.get(BUFFER, 0.0)  # CS231n's velocity starts at 0
    velocity = momentum * before - h.learning_rate * _gradient(ctx)
    if ctx.target == BUFFER:
        return [(velocity, mark("{alt} is CS231n's velocity v = μ·v − α·g: torch's buffer is v = μ·v + g "
                                "(no α, the gradient added), and the update is w − α·v"))]
    if ctx.target == "new" and BUFFER in ctx.state_before:
        return [(ctx.old + velocity, mark("{alt} is CS231n's w + (μ·v − α·g) with torch's buffer v: torch's "
                                          "buffer holds μ·v + g, and the update is w − α·v"))]
    return []


def _learning_rate(ctx: UpdateContext, exact: float) -> Candidates:
    if ctx.target != "new":
        return []
    alpha = ctx.hyper.learning_rate
    d = ctx.grad if _plain(ctx) else _direction(ctx)
    return [(ctx.old - rate * d, tr("{{alt}} is the update with a learning rate of {rate} instead of α = {alpha}",
                                    rate=fmt(rate, None), alpha=fmt(alpha, None)))
            for rate in (1.0, 2 * alpha, alpha / 2, alpha * alpha, 10 * alpha, alpha / 10, 0.0)
            if rate != alpha]


class SGD(Optimizer):
    name = "sgd"
    title = "SGD"
    fields = (
        Field("momentum", 0.0, mark("momentum factor μ"), low=0.0),
        Field("dampening", 0.0, mark("dampening τ of the momentum"), low=0.0, high=1.0),
        Field("nesterov", False, mark("Nesterov momentum")),
        Field("weight_decay", 0.0, mark("L2 weight decay λ"), low=0.0),
    )
    state_kinds = (BUFFER,)
    state_titles = {BUFFER: mark("momentum buffer")}
    state_symbols = {BUFFER: "v"}  # CS231n's velocity (b in torch's docs, but b is a bias here)
    torch_class = "torch.optim.SGD"
    # (no L2 slip: for SGD, λ·w through the gradient and α·λ·w off afterwards give the same update)
    slips = {"sign": _sign, "learning-rate": _learning_rate, "cs231n-momentum": _cs231n}

    def kept_kinds(self, options: Mapping[str, Value]) -> tuple[str, ...]:
        return (BUFFER,) if setting(options, "momentum") != 0 else ()

    def initial_state(self, kind: str, shape: tuple[int, ...]) -> np.ndarray | None:
        return None  # torch sets the buffer to the first gradient

    def check(self, options: Mapping[str, Value]) -> tuple[str, str] | None:
        if options["nesterov"] and (setting(options, "momentum") <= 0 or setting(options, "dampening") != 0):
            return ("nesterov", tr("Nesterov momentum needs momentum > 0 and dampening 0"))
        return None

    def update(self, param: np.ndarray, grad: np.ndarray, state: Mapping[str, np.ndarray],
               hyper: Hyper) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        momentum, dampening = hyper.number("momentum"), hyper.number("dampening")
        weight_decay = hyper.number("weight_decay")
        if weight_decay != 0:
            grad = grad + weight_decay * param
        new_state: dict[str, np.ndarray] = {}
        if momentum != 0:
            buf = state.get(BUFFER)
            buf = hyper.written(grad.copy() if buf is None else buf * momentum + (1 - dampening) * grad, BUFFER)
            new_state[BUFFER] = buf
            grad = grad + momentum * buf if hyper.options["nesterov"] else buf
        return param - hyper.learning_rate * grad, new_state

    def bound_update(self, options: Mapping[str, Value]) -> Callable[
            [np.ndarray, np.ndarray, Mapping[str, np.ndarray], Hyper], tuple[np.ndarray, dict[str, np.ndarray]]]:
        """Plain SGD (no momentum, no weight decay) as ``update`` computes it, w − α·g, without
        reading its settings each time; any other settings: ``update``."""
        if setting(options, "momentum") != 0 or setting(options, "weight_decay") != 0:
            return self.update

        def plain(param: np.ndarray, grad: np.ndarray, state: Mapping[str, np.ndarray],
                  hyper: Hyper) -> tuple[np.ndarray, dict[str, np.ndarray]]:
            return param - hyper.learning_rate * grad, {}

        return plain

    def derive(self, ctx: UpdateContext) -> list[UpdateStep]:
        h, n, f = ctx.hyper, ctx.num, ctx.factor
        alpha = h.learning_rate
        momentum, dampening, decay = h.number("momentum"), h.number("dampening"), h.number("weight_decay")
        word = ctx.word
        if momentum == 0 and decay == 0:
            return [UpdateStep("new", ctx.new_symbol, f"{ctx.old_symbol} − α·{ctx.grad_term.symbol}",
                               f"{n(ctx.old)} − {n(alpha)}·{ctx.grad_term.numeric}", ctx.new,
                               f"SGD: {word} ← {word} − α·∂E/∂{word}{ctx.grad_note}")]
        steps: list[UpdateStep] = []
        g_sym, g_num = ctx.grad_term.symbol, ctx.grad_term.numeric
        decayed = ""
        if decay != 0:  # g = ∂E/∂w + λ·w, written out wherever g is used
            g_sym, g_num = f"({g_sym} + λ·{ctx.old_symbol})", f"({g_num} + {n(decay)}·{f(ctx.old)})"
            decayed = tr("; weight decay adds λ·{word} to the gradient", word=word)
        d_sym, d_num = g_sym, g_num  # the step d of w′ = w − α·d
        if momentum != 0:
            after = ctx.state_after[BUFFER]
            b_new = ctx.state_symbol(BUFFER, True)
            if BUFFER not in ctx.state_before:
                steps.append(UpdateStep(BUFFER, b_new, g_sym, g_num, after,
                                        tr("the momentum buffer starts as the first gradient, as in torch") + decayed))
            else:
                before = ctx.state_before[BUFFER]
                damp_sym, damp_num = ("", "") if dampening == 0 else ("(1 − τ)·", f"{n(1 - dampening)}·")
                steps.append(UpdateStep(BUFFER, b_new, f"μ·{ctx.state_symbol(BUFFER, False)} + {damp_sym}{g_sym}",
                                        f"{n(momentum)}·{f(before)} + {damp_num}{g_num}", after,
                                        tr("momentum: the buffer keeps a running sum of past gradients") + decayed))
            if h.options["nesterov"]:  # d = g + μ·v′, written out
                d_sym, d_num = f"({g_sym} + μ·{b_new})", f"({g_num} + {n(momentum)}·{f(after)})"
                rule = tr("SGD with Nesterov momentum: {rule}", rule=f"{word} ← {word} − α·(g + μ·v′)")
            else:
                d_sym, d_num = b_new, f(after)
                rule = tr("SGD with momentum: {rule}", rule=f"{word} ← {word} − α·v′")
        else:
            rule = f"SGD: {word} ← {word} − α·(∂E/∂{word} + λ·{word}){ctx.grad_note}"
        steps.append(UpdateStep("new", ctx.new_symbol, f"{ctx.old_symbol} − α·{d_sym}",
                                f"{n(ctx.old)} − {n(alpha)}·{d_num}", ctx.new, rule + decayed))
        return steps

    def torch_lines(self, config: OptimizerConfig, params: str, learning_rate: str) -> list[str]:
        extra = "".join(f", {f.name}={config[f.name]!r}" for f in self.fields if config[f.name] != f.default)
        return [f"optimizer = {self.torch_class}({params}, lr={learning_rate}{extra})"]


OPTIMIZER = SGD()
