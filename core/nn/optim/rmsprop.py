"""RMSprop exactly as ``torch.optim.RMSprop`` (single tensor, non-foreach, centered=False,
maximize=False), with momentum and L2 weight decay.

    g = ∂E/∂w + λ·w                       (weight decay λ, when λ ≠ 0)
    v = ρ·v + (1 − ρ)·g²                   (torch's square_avg, smoothing ρ = ``alpha``; starts at 0)
    buf = μ·buf + g / (√v + ε),  w′ = w − α·buf     (momentum μ > 0; torch's momentum_buffer starts at 0)
    w′ = w − α·g / (√v + ε)                (no momentum)

The file's ``alpha`` is torch's smoothing constant; derivations call it ρ, since α is the
learning rate here. No bias correction: torch keeps ``step`` but does not use it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

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

SQUARE, BUFFER = "square_avg", "momentum_buffer"


def _sign(ctx: UpdateContext, exact: float) -> Candidates:
    if ctx.target == "new":
        return [(2 * ctx.old - ctx.new, mark("{alt} adds the step instead of subtracting it: the update goes up "
                                             "the gradient"))]
    if ctx.target == BUFFER:
        h = ctx.hyper
        g = ctx.grad + h.number("weight_decay") * ctx.old
        alt = h.number("momentum") * ctx.state_before.get(BUFFER, 0.0) - g / (
            math.sqrt(ctx.state_after[SQUARE]) + h.number("eps"))
        return [(alt, mark("{alt} subtracts g / (√v + ε) from the buffer: it adds it, and the update subtracts "
                           "α·buf"))]
    return []


def _no_root(ctx: UpdateContext, exact: float) -> Candidates:
    """g / (v + ε) instead of g / (√v + ε)."""
    h = ctx.hyper
    v, eps = ctx.state_after[SQUARE], h.number("eps")
    g = ctx.grad + h.number("weight_decay") * ctx.old
    scaled = g / (v + eps)
    why = mark("{alt} divides by v + ε: RMSprop divides by the root √v + ε")
    if ctx.target == BUFFER and BUFFER in ctx.state_after:
        return [(h.number("momentum") * ctx.state_before.get(BUFFER, 0.0) + scaled, why)]
    if ctx.target == "new" and h.number("momentum") == 0:
        return [(ctx.old - h.learning_rate * scaled, why)]
    return []


def _eps_inside(ctx: UpdateContext, exact: float) -> Candidates:
    """g / √(v + ε), the ε placement of some texts, instead of torch's g / (√v + ε)."""
    h = ctx.hyper
    v, eps = ctx.state_after[SQUARE], h.number("eps")
    g = ctx.grad + h.number("weight_decay") * ctx.old
    scaled = g / math.sqrt(v + eps)
    why = mark("{alt} puts ε under the root, √(v + ε): torch adds it after, √v + ε")
    if ctx.target == BUFFER and BUFFER in ctx.state_after:
        return [(h.number("momentum") * ctx.state_before.get(BUFFER, 0.0) + scaled, why)]
    if ctx.target == "new" and h.number("momentum") == 0:
        return [(ctx.old - h.learning_rate * scaled, why)]
    return []


def _l2_after_update(ctx: UpdateContext, exact: float) -> Candidates:
    h = ctx.hyper
    decay = h.number("weight_decay")
    if decay == 0:
        return []
    new, after = OPTIMIZER.replay(ctx, weight_decay=0.0)
    if ctx.target == "new":
        return [(new - h.learning_rate * decay * ctx.old, mark("{alt} takes α·λ·w off after the update "
                                                               "(decoupled): RMSprop adds λ·w to the gradient first"))]
    return [(after.get(ctx.target), mark("{alt} is computed from the plain gradient: RMSprop's weight decay adds "
                                         "λ·w to g first"))]


class RMSprop(Optimizer):
    name = "rmsprop"
    title = "RMSprop"
    fields = (
        Field("alpha", 0.99, mark("smoothing constant ρ of the squared gradients"), low=0.0, high=1.0),
        Field("eps", 1e-8, mark("ε added to √v"), low=0.0),
        Field("momentum", 0.0, mark("momentum factor μ"), low=0.0),
        Field("weight_decay", 0.0, mark("L2 weight decay λ"), low=0.0),
    )
    state_kinds = (SQUARE, BUFFER)
    state_titles = {SQUARE: mark("running mean v of the squared gradients"), BUFFER: mark("momentum buffer")}
    state_symbols = {SQUARE: "v", BUFFER: "buf"}  # torch's v and b (b names a bias here)
    torch_class = "torch.optim.RMSprop"
    torch_step_key = "step"
    slips = {"sign": _sign, "l2-after-update": _l2_after_update, "no-square-root": _no_root,
             "eps-inside-root": _eps_inside}

    def kept_kinds(self, options: Mapping[str, Value]) -> tuple[str, ...]:
        return (SQUARE, BUFFER) if setting(options, "momentum") > 0 else (SQUARE,)

    def update(self, param: np.ndarray, grad: np.ndarray, state: Mapping[str, np.ndarray],
               hyper: Hyper) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        alpha, eps = hyper.number("alpha"), hyper.number("eps")
        momentum, decay = hyper.number("momentum"), hyper.number("weight_decay")
        if decay != 0:
            grad = hyper.written(grad + decay * param)
        # hand-rounding: g, v and buf rounded as the learner writes them before the next line
        # reads them (``written`` is the identity in exact mode: torch's arithmetic, bit for bit)
        square = state.get(SQUARE)
        square = hyper.written((np.zeros_like(param) if square is None else square) * alpha
                               + (1 - alpha) * grad * grad, SQUARE)
        avg = np.sqrt(square) + eps
        new_state = {SQUARE: square}
        if momentum > 0:
            buf = state.get(BUFFER)
            buf = hyper.written((np.zeros_like(param) if buf is None else buf) * momentum + grad / avg, BUFFER)
            new_state[BUFFER] = buf
            return param - hyper.learning_rate * buf, new_state
        return param - hyper.learning_rate * (grad / avg), new_state

    def derive(self, ctx: UpdateContext) -> list[UpdateStep]:
        n, f, h = ctx.num, ctx.factor, ctx.hyper
        rho, eps = h.number("alpha"), h.number("eps")
        momentum, decay, alpha = h.number("momentum"), h.number("weight_decay"), h.learning_rate
        word = ctx.word
        steps: list[UpdateStep] = []
        grad = ctx.grad
        if decay != 0:
            grad = float(h.written(np.array([ctx.grad + decay * ctx.old]))[0])
            steps.append(UpdateStep("grad", "g", f"{ctx.grad_term.symbol} + λ·{ctx.old_symbol}",
                                    f"{ctx.grad_term.numeric} + {n(decay)}·{f(ctx.old)}", grad,
                                    tr("weight decay (L2): λ·{word} joins the gradient first, as in torch", word=word)
                                    + ctx.grad_note))
        else:
            steps.append(UpdateStep("grad", "g", ctx.grad_term.symbol, ctx.grad_term.numeric, grad,
                                    tr("the gradient") + ctx.grad_note))
        before = ctx.state_before.get(SQUARE)
        square = ctx.state_after[SQUARE]
        steps.append(UpdateStep(SQUARE, ctx.state_symbol(SQUARE, True),
                                f"ρ·{ctx.state_symbol(SQUARE, False)} + (1 − ρ)·g²",
                                f"{n(rho)}·{f(0.0 if before is None else before)} + {n(1 - rho)}·{f(grad)}²", square,
                                tr("a running mean of g² (ρ is the file's alpha)")
                                + (tr("; v starts at 0, as in torch") if before is None else "")))
        v_sym = ctx.state_symbol(SQUARE, True)
        if momentum > 0:
            b_before = ctx.state_before.get(BUFFER)
            b_sym = ctx.state_symbol(BUFFER, True)
            steps.append(UpdateStep(BUFFER, b_sym, f"μ·{ctx.state_symbol(BUFFER, False)} + g / (√{v_sym} + ε)",
                                    f"{n(momentum)}·{f(0.0 if b_before is None else b_before)} + "
                                    f"{f(grad)} / (√{n(square)} + {n(eps)})", ctx.state_after[BUFFER],
                                    tr("momentum: the buffer sums the scaled steps")
                                    + (tr("; it starts at 0, as in torch") if b_before is None else "")))
            steps.append(UpdateStep("new", ctx.new_symbol, f"{ctx.old_symbol} − α·{b_sym}",
                                    f"{n(ctx.old)} − {n(alpha)}·{f(ctx.state_after[BUFFER])}", ctx.new,
                                    tr("RMSprop with momentum: {rule}", rule=f"{word} ← {word} − α·buf")))
        else:
            steps.append(UpdateStep("new", ctx.new_symbol, f"{ctx.old_symbol} − α·g / (√{v_sym} + ε)",
                                    f"{n(ctx.old)} − {n(alpha)}·{f(grad)} / (√{n(square)} + {n(eps)})", ctx.new,
                                    f"RMSprop: {word} ← {word} − α·g / (√v + ε)"))
        return steps

    def torch_lines(self, config: OptimizerConfig, params: str, learning_rate: str) -> list[str]:
        buffers = "square_avg=torch.zeros_like(p)" + (
            ", momentum_buffer=torch.zeros_like(p)" if BUFFER in self.kept_kinds(config.options) else "")
        return [f"optimizer = {self.torch_class}({params}, lr={learning_rate}, alpha={config['alpha']!r}, "
                f"eps={config['eps']!r}, weight_decay={config['weight_decay']!r}, momentum={config['momentum']!r}, "
                "centered=False, foreach=False)",
                f"for p in {params}:  # torch's own start (a given state replaces it below)",
                f"    optimizer.state[p].update(step=torch.tensor(0.0), {buffers})"]


OPTIMIZER = RMSprop()
