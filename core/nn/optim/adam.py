"""Adam exactly as ``torch.optim.Adam`` (single tensor, non-fused, non-foreach, amsgrad=False,
maximize=False), with L2 weight decay added to the gradient.

    g = ∂E/∂w + λ·w                          (weight decay λ, when λ ≠ 0)
    m = β₁·m + (1 − β₁)·g                     (torch's exp_avg; starts at 0)
    v = β₂·v + (1 − β₂)·g²                    (torch's exp_avg_sq; starts at 0)
    m̂ = m / (1 − β₁ᵗ),  v̂ = v / (1 − β₂ᵗ)     (bias correction of update t)
    w′ = w − α·m̂ / (√v̂ + ε)

torch writes the last line as ``w − (α/(1 − β₁ᵗ))·m / (√v/√(1 − β₂ᵗ) + ε)``: the same
number, and the arithmetic here follows torch's order. ``t`` is ``optimizer.step`` + 1, so a
file that gives ``step`` resumes the bias correction where it stopped.

AdamW (``adamw.py``) is this rule with the decay decoupled; the slips of both are here.
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
    Slip,
    UpdateContext,
    UpdateStep,
    Value,
)

FIRST, SECOND = "exp_avg", "exp_avg_sq"
_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def _written(hyper: Hyper, value: float) -> float:
    """One number as the learner writes it (rounded under hand-rounding)."""
    return float(hyper.written(np.array([value]))[0])


def power(t: int) -> str:
    """An exponent as superscript digits: 2 → ²."""
    return str(t).translate(_SUPERSCRIPT)


def lerp(start: np.ndarray, end: np.ndarray, weight: float) -> np.ndarray:
    """``torch.lerp(start, end, weight)`` as torch computes it (two forms, by the weight's size),
    as a new array: one allocation, the other two operations written into it."""
    result: np.ndarray = np.subtract(end, start)
    if abs(weight) < 0.5:  # start + weight·(end − start)
        result *= weight
        result += start
    else:  # end − (end − start)·(1 − weight)
        result *= 1 - weight
        np.subtract(end, result, out=result)
    return result


def adam_step(param: np.ndarray, grad: np.ndarray, state: Mapping[str, np.ndarray], hyper: Hyper,
              coupled_decay: float) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """torch's ``_single_tensor_adam`` on one array, after any decoupled decay of ``param``:
    ``coupled_decay`` λ is added to the gradient as λ·w (Adam's weight decay; 0 for AdamW).

    Each line is torch's operations in torch's order, written into three new arrays (m, v
    and the new parameter; the last holds the denominator on the way), so a whole network's
    flat vector makes three allocations, not a dozen, and each pass touches at most three
    arrays; no input is written."""
    beta1, beta2 = hyper.numbers("betas")
    eps = hyper.number("eps")
    if coupled_decay != 0:
        grad = grad + coupled_decay * param
    m = state.get(FIRST)
    v = state.get(SECOND)
    if hyper.rounding is not None:
        return _written_step(param, hyper.written(grad), m, v, hyper)
    m = lerp(np.zeros_like(param) if m is None else m, grad, 1 - beta1)
    v = np.multiply(np.zeros_like(param) if v is None else v, beta2)  # v·β₂ + (1 − β₂)·g·g
    new = np.multiply(grad, 1 - beta2)
    new *= grad
    v += new
    bias_correction1 = 1 - beta1 ** hyper.step
    bias_correction2 = 1 - beta2 ** hyper.step
    step_size = hyper.learning_rate / bias_correction1
    denom = np.sqrt(v, out=new)  # √v / √(1 − β₂ᵗ) + ε
    denom /= bias_correction2 ** 0.5
    denom += eps
    np.divide(m, denom, out=new)  # w − step_size·(m / denom)
    new *= step_size
    np.subtract(param, new, out=new)
    return new, {FIRST: m, SECOND: v}


def _written_step(param: np.ndarray, grad: np.ndarray, m: np.ndarray | None, v: np.ndarray | None,
                  hyper: Hyper) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Adam under hand-rounding, as the learner writes it: g, m, v, m̂ and v̂ each rounded as
    written before the next line uses it, then w′ = w − α·m̂ / (√v̂ + ε) from those numbers
    (exact mode keeps torch's own arithmetic, above)."""
    beta1, beta2 = hyper.numbers("betas")
    eps = hyper.number("eps")
    m = hyper.written(beta1 * (np.zeros_like(param) if m is None else m) + (1 - beta1) * grad, FIRST)
    v = hyper.written(beta2 * (np.zeros_like(param) if v is None else v) + (1 - beta2) * grad ** 2, SECOND)
    m_hat = hyper.written(m / (1 - beta1 ** hyper.step))
    v_hat = hyper.written(v / (1 - beta2 ** hyper.step))
    return param - hyper.learning_rate * m_hat / (np.sqrt(v_hat) + eps), {FIRST: m, SECOND: v}


def rule(param: np.ndarray, grad: np.ndarray, state: Mapping[str, np.ndarray], hyper: Hyper,
         decoupled: bool) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Adam (λ·w joins the gradient) or AdamW (w shrinks by 1 − α·λ first, as torch does)."""
    decay = hyper.number("weight_decay")
    if decoupled:
        return adam_step(param * (1 - hyper.learning_rate * decay), grad, state, hyper, 0.0)
    return adam_step(param, grad, state, hyper, decay)


def _replay(ctx: UpdateContext, decoupled: bool, **options: Value) -> float | None:
    """The value ``ctx.target`` names under this rule with some settings changed."""
    hyper = ctx.hyper._replace(options={**ctx.hyper.options, **options})
    new, after = rule(np.array([ctx.old]), np.array([ctx.grad]),
                      {kind: np.array([value]) for kind, value in ctx.state_before.items()}, hyper, decoupled)
    if ctx.target == "new":
        return float(new[0])
    return float(after[ctx.target][0]) if ctx.target in after else None


def _shrunk(ctx: UpdateContext, decoupled: bool) -> float:
    """w before the Adam step: AdamW's w·(1 − α·λ), Adam's w."""
    h = ctx.hyper
    return ctx.old * (1 - h.learning_rate * h.number("weight_decay")) if decoupled else ctx.old


def slips_of(decoupled: bool) -> dict[str, Slip]:
    """The classic slips of Adam (or AdamW): name → candidates for ``ctx.target``."""

    def sign(ctx: UpdateContext, exact: float) -> Candidates:
        if ctx.target != "new":
            return []
        shrunk = _shrunk(ctx, decoupled)
        return [(shrunk + (shrunk - ctx.new), mark("{alt} adds the step α·m̂/(√v̂ + ε) instead of subtracting it: "
                                                   "the update goes up the gradient"))]

    def no_bias_correction(ctx: UpdateContext, exact: float) -> Candidates:
        if ctx.target != "new":
            return []
        h = ctx.hyper
        m, v = ctx.state_after[FIRST], ctx.state_after[SECOND]
        alt = _shrunk(ctx, decoupled) - h.learning_rate * m / (math.sqrt(v) + h.number("eps"))
        return [(alt, tr("{{alt}} is w − α·m / (√v + ε), without the bias correction: at update t = {t}, "
                         "m̂ = m / (1 − β₁ᵗ) and v̂ = v / (1 − β₂ᵗ)", t=h.step))]

    def betas_swapped(ctx: UpdateContext, exact: float) -> Candidates:
        beta1, beta2 = ctx.hyper.numbers("betas")
        return [(_replay(ctx, decoupled, betas=(beta2, beta1)),
                 tr("{{alt}} swaps β₁ and β₂: m averages the gradients with β₁ = {beta1:g}, "
                    "v their squares with β₂ = {beta2:g}", beta1=beta1, beta2=beta2))]

    def l2_in_gradient(ctx: UpdateContext, exact: float) -> Candidates:  # AdamW computed as Adam
        if ctx.hyper.number("weight_decay") == 0:
            return []
        return [(_replay(ctx, False), mark("{alt} adds λ·w to the gradient (L2, as Adam does): AdamW decouples "
                                           "the decay, w·(1 − α·λ) beside the step, and m, v see the plain "
                                           "gradient"))]

    def l2_after_update(ctx: UpdateContext, exact: float) -> Candidates:  # Adam's L2 taken off afterwards
        h = ctx.hyper
        decay = h.number("weight_decay")
        if decay == 0:
            return []
        plain = _replay(ctx, decoupled, weight_decay=0.0)
        if ctx.target != "new" or plain is None:
            return [(plain, mark("{alt} is the average of the plain gradient: Adam's weight decay adds λ·w "
                                 "to g before m and v"))]
        return [(plain - h.learning_rate * decay * ctx.old,
                 mark("{alt} takes α·λ·w off after the update (decoupled, as AdamW does): Adam adds λ·w to "
                      "the gradient before m and v"))]

    found: dict[str, Slip] = {"sign": sign, "no-bias-correction": no_bias_correction, "betas-swapped": betas_swapped}
    if decoupled:
        found["l2-in-gradient"] = l2_in_gradient
    else:
        found["l2-after-update"] = l2_after_update
    return found


class Adam(Optimizer):
    name = "adam"
    title = "Adam"
    fields = (
        Field("betas", (0.9, 0.999), mark("the averages' factors β₁, β₂"), low=0.0, high=1.0, high_open=True),
        Field("eps", 1e-8, mark("ε added to √v̂"), low=0.0),
        Field("weight_decay", 0.0, mark("L2 weight decay λ"), low=0.0),
    )
    state_kinds = (FIRST, SECOND)
    state_titles = {FIRST: mark("first moment m (running mean of the gradients)"),
                    SECOND: mark("second moment v (running mean of the squared gradients)")}
    state_symbols = {FIRST: "m", SECOND: "v"}
    torch_class = "torch.optim.Adam"
    torch_step_key = "step"
    decoupled = False  # AdamW: the decay shrinks w beside the step instead of joining g
    slips = slips_of(decoupled)

    # --- the rule ---------------------------------------------------------------------
    def update(self, param: np.ndarray, grad: np.ndarray, state: Mapping[str, np.ndarray],
               hyper: Hyper) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        return rule(param, grad, state, hyper, self.decoupled)

    # --- the derivation ------------------------------------------------------------------
    def derive(self, ctx: UpdateContext) -> list[UpdateStep]:
        n, f, h = ctx.num, ctx.factor, ctx.hyper
        beta1, beta2 = h.numbers("betas")
        eps, decay, alpha, t = h.number("eps"), h.number("weight_decay"), h.learning_rate, h.step
        word = ctx.word
        steps: list[UpdateStep] = []
        grad = ctx.grad
        if decay != 0 and not self.decoupled:
            grad = _written(h, ctx.grad + decay * ctx.old)
            steps.append(UpdateStep("grad", "g", f"{ctx.grad_term.symbol} + λ·{ctx.old_symbol}",
                                    f"{ctx.grad_term.numeric} + {n(decay)}·{f(ctx.old)}", grad,
                                    tr("weight decay (L2): λ·{word} joins the gradient before the averages, as in "
                                       "torch's Adam", word=word) + ctx.grad_note))
        else:
            steps.append(UpdateStep("grad", "g", ctx.grad_term.symbol, ctx.grad_term.numeric, grad,
                                    tr("the gradient") + ctx.grad_note))
        m_new, v_new = ctx.state_after[FIRST], ctx.state_after[SECOND]
        for kind, beta, sq, start in ((FIRST, beta1, "", "m"), (SECOND, beta2, "²", "v")):
            before = ctx.state_before.get(kind)
            old = 0.0 if before is None else before
            begun = (tr("; {start} starts at 0, as in torch", start=start) if before is None else "")
            words = tr("first moment: a running mean of g") if kind == FIRST else \
                tr("second moment: a running mean of g²")
            steps.append(UpdateStep(kind, ctx.state_symbol(kind, True),
                                    f"{'β₁' if kind == FIRST else 'β₂'}·{ctx.state_symbol(kind, False)} + "
                                    f"(1 − {'β₁' if kind == FIRST else 'β₂'})·g{sq}",
                                    f"{n(beta)}·{f(old)} + {n(1 - beta)}·{f(grad)}{sq}",
                                    m_new if kind == FIRST else v_new, words + begun))
        m_hat = _written(h, m_new / (1 - beta1 ** t))
        v_hat = _written(h, v_new / (1 - beta2 ** t))
        steps.append(UpdateStep("m_hat", "m̂", f"{ctx.state_symbol(FIRST, True)} / (1 − β₁ᵗ)",
                                f"{f(m_new)} / (1 − {n(beta1)}{power(t)})", m_hat,
                                tr("bias correction of update t = {t}: m started at 0, so early means are too "
                                   "small; dividing by 1 − β₁ᵗ undoes that", t=t)))
        steps.append(UpdateStep("v_hat", "v̂", f"{ctx.state_symbol(SECOND, True)} / (1 − β₂ᵗ)",
                                f"{f(v_new)} / (1 − {n(beta2)}{power(t)})", v_hat,
                                tr("bias correction of update t = {t}, the same for v with β₂", t=t)))
        rule = f"{self.title}: {word} ← {word} − α·m̂ / (√v̂ + ε)"
        if self.decoupled and decay != 0:
            formula = f"{ctx.old_symbol}·(1 − α·λ) − α·m̂ / (√v̂ + ε)"
            numbers = f"{f(ctx.old)}·(1 − {n(alpha)}·{n(decay)}) − {n(alpha)}·{f(m_hat)} / (√{n(v_hat)} + {n(eps)})"
            rule = tr("AdamW: {rule}: the weight decay is decoupled, it shrinks w beside the step instead of "
                      "joining the gradient", rule=f"{word} ← {word}·(1 − α·λ) − α·m̂ / (√v̂ + ε)")
        else:
            formula = f"{ctx.old_symbol} − α·m̂ / (√v̂ + ε)"
            numbers = f"{n(ctx.old)} − {n(alpha)}·{f(m_hat)} / (√{n(v_hat)} + {n(eps)})"
        steps.append(UpdateStep("new", ctx.new_symbol, formula, numbers, ctx.new,
                                rule + tr("; torch writes it α/(1 − β₁ᵗ)·m / (√v/√(1 − β₂ᵗ) + ε), the same number")))
        return steps

    # --- the export ------------------------------------------------------------------------
    def torch_lines(self, config: OptimizerConfig, params: str, learning_rate: str) -> list[str]:
        betas = tuple(float(b) for b in config["betas"])  # type: ignore[union-attr]  # a tuple field
        return [f"optimizer = {self.torch_class}({params}, lr={learning_rate}, betas={betas!r}, "
                f"eps={config['eps']!r}, weight_decay={config['weight_decay']!r}, amsgrad=False, foreach=False)",
                f"for p in {params}:  # torch's own start (a given state replaces it below)",
                "    optimizer.state[p].update(step=torch.tensor(0.0), exp_avg=torch.zeros_like(p), "
                "exp_avg_sq=torch.zeros_like(p))"]

OPTIMIZER = Adam()
