"""Loss functions on a batch ``[B, n]``: the batch-mean value and ∂E/∂out.

With batch size B the loss is the mean of the per-sample losses, so every gradient
carries the factor 1/B (contract §2).

A loss may be fused with the output activation it sits on (``Fused``: softmax or sigmoid
+ cross-entropy, sigmoid + binary cross-entropy): the loss is then taken from the logits
z, finite for any z, and δ = ∂E/∂z comes out in one step (a − y). The engine and the
explanations read the entry; nothing else switches on a loss's name.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from core.i18n import mark, tr
from core.nn.small_sums import SEQUENTIAL, all_positive, sequential_sum

_TINY = np.finfo(np.float64).tiny


def _safe_log(a: np.ndarray) -> np.ndarray:
    result: np.ndarray = np.log(np.maximum(a, _TINY))
    return result


def _below_tiny(a: np.ndarray) -> bool:
    """Does cross-entropy floor some ln a here (a below the tiniest float, 0 included)?"""
    return bool((a < _TINY).any())


def _bce_below_tiny(a: np.ndarray) -> bool:
    """Does binary cross-entropy floor some ln a or ln(1 − a) here?"""
    return bool(((a < _TINY) | (1.0 - a < _TINY)).any())


_FLOOR_NOTE = mark("ln 0 has no value: where a number under ln is 0 (below 2.2e−308), the loss takes ln of "
                   "the tiniest float64 instead, ln 2.2250738585072014e−308 = −708.3964185322641, so it stays finite")


def cross_entropy(out: np.ndarray, y: np.ndarray) -> float:
    """C = −Σ_i y_i ln a_i, averaged over the batch (a floored at the tiniest float)."""
    # y_i = 0 contributes nothing even where ln a_i is huge
    result: float = float(-np.where(y != 0, y * _safe_log(out), 0.0).sum()) / out.shape[0]
    return result


def softmax_cross_entropy(z: np.ndarray, y: np.ndarray, a: np.ndarray | None = None) -> float:
    """Cross-entropy of a = softmax(z): C = −Σ_i y_i·ln a_i, the batch mean.

    With the softmax output ``a`` at hand and no a_i underflowed to 0, ln a is taken
    directly; otherwise from the logits, ln a_i = z_i − ln Σ_k e^(z_k) (shifted by the
    maximum), which stays finite for any finite logits. Both agree to a few ulp.

    One sample of a few outputs (``[1, n]``, n < SEQUENTIAL) looks for a zero and adds its
    terms in Python: the same test (every a_i > 0; a NaN fails it, as NumPy's minimum does)
    and the same sum (``sequential_sum``), without two NumPy reductions.
    """
    if a is not None:
        small = a.ndim == 2 and a.shape[0] == 1 and a.shape[1] < SEQUENTIAL
        if all_positive(a.tolist()[0]) if small else not underflowed(a):
            log_a = np.log(a)
            np.multiply(y, log_a, out=log_a)
            direct = sequential_sum(log_a.tolist()[0]) if small else float(np.add.reduce(log_a, axis=None))
            mean: float = -direct / z.shape[0]  # the batch mean: −Σ y·ln a / B
            return mean
    return _cross_entropy_of_logits(z, y)


def _cross_entropy_of_logits(z: np.ndarray, y: np.ndarray) -> float:
    """−Σ y·ln softmax(z) / B with ln a_i = z_i − ln Σ_k e^(z_k), shifted by the maximum."""
    shifted = z - z.max(axis=-1, keepdims=True)
    log_a = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    np.multiply(y, log_a, out=log_a)
    result: float = float(-np.add.reduce(log_a, axis=None)) / z.shape[0]
    return result


def cross_entropy_grad(out: np.ndarray, y: np.ndarray) -> np.ndarray:
    """∂C/∂a_i = −y_i / a_i (divided by B); a is floored at the tiniest float to stay finite."""
    result: np.ndarray = -y / np.maximum(out, _TINY) / out.shape[0]
    return result


def sigmoid_cross_entropy(z: np.ndarray, y: np.ndarray) -> float:
    """Cross-entropy of sigmoid(z) from the logits: −y·ln σ(z) = y·ln(1 + e^(−z)), finite for any z."""
    result: float = float((y * np.logaddexp(0.0, -z)).sum()) / z.shape[0]
    return result


def binary_cross_entropy(out: np.ndarray, y: np.ndarray) -> float:
    """E = −Σ_i [y_i ln a_i + (1 − y_i) ln(1 − a_i)], averaged over the batch (logs floored
    at the tiniest float). The engine takes it from the logits instead (``sigmoid_bce``)."""
    terms = y * _safe_log(out) + (1.0 - y) * _safe_log(1.0 - out)
    result: float = float(-terms.sum()) / out.shape[0]
    return result


_BCE_FLOOR = 1e-12  # PyTorch's floor under a·(1 − a) in binary_cross_entropy's backward


def binary_cross_entropy_grad(out: np.ndarray, y: np.ndarray) -> np.ndarray:
    """∂E/∂a_i = −y_i/a_i + (1 − y_i)/(1 − a_i) = (a_i − y_i)/(a_i·(1 − a_i)) (divided by B),
    as PyTorch computes it: a·(1 − a) floored at 1e-12, so a saturated output stays finite."""
    result: np.ndarray = (out - y) / np.maximum(out * (1.0 - out), _BCE_FLOOR) / out.shape[0]
    return result


def sigmoid_bce(z: np.ndarray, y: np.ndarray) -> float:
    """Binary cross-entropy of sigmoid(z) from the logits, as PyTorch's
    binary_cross_entropy_with_logits: (1 − y)·z + ln(1 + e^(−z)) per output, finite for any z."""
    result: float = float(((1.0 - y) * z + np.logaddexp(0.0, -z)).sum()) / z.shape[0]
    return result


def squared_error(out: np.ndarray, y: np.ndarray) -> float:
    """E = ½ Σ_i (y_i − out_i)², averaged over the batch."""
    result: float = 0.5 * float(((y - out) ** 2).sum()) / out.shape[0]
    return result


def squared_error_grad(out: np.ndarray, y: np.ndarray) -> np.ndarray:
    """∂E/∂out_i = out_i − y_i (divided by B)."""
    result: np.ndarray = (out - y) / out.shape[0]
    return result


def mse(out: np.ndarray, y: np.ndarray) -> float:
    """E = mean_i (y_i − out_i)², averaged over the batch."""
    return float(((y - out) ** 2).sum()) / out.size


def mse_grad(out: np.ndarray, y: np.ndarray) -> np.ndarray:
    """∂E/∂out_i = 2·(out_i − y_i)/n (divided by B)."""
    result: np.ndarray = 2.0 * (out - y) / out.shape[-1] / out.shape[0]
    return result


Pair = tuple[str, str]  # (symbolic, with numbers)
Num = Callable[[float], str]  # how explain writes a number


@dataclass(frozen=True)
class LossText:
    """What a loss's formula builders get for one output i of one sample: the symbols
    of y_i and a_i, their values, n (the outputs per sample) and explain's writers."""

    y: str
    a: str
    y_value: float
    a_value: float
    count: int
    n: Num  # a number
    p: Num  # a number as a factor (negatives in parentheses)
    total: float = 1.0  # the sample's targets summed (softmax + cross-entropy's δ reads it)


class LogitText(NamedTuple):
    """What a fused loss's logit form gets for one sample: the symbols and values of its
    targets y_i and logits z_i (those written out), the largest of all its logits and its
    targets' sum, explain's writers, and ``join`` (explain's + of terms, with the count left out)."""

    y: tuple[str, ...]
    z: tuple[str, ...]
    y_values: tuple[float, ...]
    z_values: tuple[float, ...]
    largest: float
    total: float
    n: Num
    p: Num
    join: Callable[[list[Pair]], Pair]


class LogitForm(NamedTuple):
    """A fused loss written from the logits, for a batch whose outputs saturated.

    Where some a_i is exactly 0 (or 1) in float64, the usual text −Σ y_i·ln a_i would ask a
    calculator for ln 0 while the value was taken from the logits and is finite: then the
    derivation writes the logit form instead. ``saturated(a)`` says whether the outputs
    ``[B, n]`` call for it, ``sample`` writes one sample's loss (symbolic, with numbers) and
    ``note`` says why the form is written.
    """

    saturated: Callable[[np.ndarray], bool]
    sample: Callable[[LogitText], Pair]
    note: str


def underflowed(a: np.ndarray) -> bool:
    """Has some softmax output underflowed to 0 (or is one NaN)? Then ln a is taken from the
    logits: the value's test (``softmax_cross_entropy``) and the derivation's are this one."""
    return not bool(np.minimum.reduce(a, axis=None) > 0.0)


def _sigmoid_saturated(a: np.ndarray) -> bool:
    """Is some sigmoid output exactly 0 or 1, where ln a or ln(1 − a) is not the logit's value?"""
    return not bool(((a > 0.0) & (a < 1.0)).all())


def _softmax_ce_from_logits(t: LogitText) -> Pair:
    """−Σ_i y_i·ln a_i with ln a_i = (z_i − m) − ln Σ_k e^(z_k − m), m the largest logit (as
    ``_cross_entropy_of_logits`` takes it), written (Σ_j y_j)·ln Σ_k e^(z_k − m) − Σ_i y_i·(z_i − m)
    (the Σ_j y_j dropped when 1): every z_i − m is taken first, as there, so nothing cancels."""
    m = t.largest
    shifts = [(f"({z} − m)", f"({t.n(v)} − {t.p(m)})") for z, v in zip(t.z, t.z_values, strict=True)]
    exps = t.join([(f"e^{z}", f"e^{v}") for z, v in shifts])
    yz = t.join([(f"{y}·{z}", f"{t.p(yv)}·{v}") for y, yv, (z, v) in zip(t.y, t.y_values, shifts, strict=True)])
    log_sum = (f"ln({exps[0]})", f"ln({exps[1]})")
    if t.total != 1.0:
        log_sum = (f"Σ_j y_j·{log_sum[0]}", f"{t.p(t.total)}·{log_sum[1]}")
    return f"{log_sum[0]} − ({yz[0]})", f"{log_sum[1]} − ({yz[1]})"


_SERIES_BELOW = 1e-8  # ln(1 + x) is written x below this: the two agree to 8 significant digits


def _softplus(t: LogitText, z: str, v: float) -> Pair:
    """ln(1 + e^(−z)), written as NumPy's logaddexp(0, −z) takes it: max(0, −z) + ln(1 + e^(−|z|)),
    in parentheses (it is added to the rest as one number). Where e^(−|z|) is below 10⁻⁸, a
    calculator's 1 + e^(−|z|) would round most of its digits away, while ln(1 + x) is x to 8
    significant digits (x − x²/2 …; log1p's value to the last bit below 1.1·10⁻¹⁶): it is
    written e^(−|z|)."""
    exponent = t.n(-abs(v) or 0.0)
    if 0.0 < math.exp(-abs(v)) < _SERIES_BELOW:
        return f"(max(0, −{z}) + e^(−|{z}|))", f"({t.n(max(0.0, -v))} + e^({exponent}))"
    return f"(max(0, −{z}) + ln(1 + e^(−|{z}|)))", f"({t.n(max(0.0, -v))} + ln(1 + e^({exponent})))"


def _softplus_terms(t: LogitText, term: Callable[[str, str, float, float, Pair], Pair]) -> Pair:
    """A sigmoid loss's logit form: ``term(y, z, y value, z value, softplus)`` of each output, joined."""
    return t.join([term(y, z, yv, zv, _softplus(t, z, zv))
                   for y, z, yv, zv in zip(t.y, t.z, t.y_values, t.z_values, strict=True)])


def _sigmoid_ce_from_logits(t: LogitText) -> Pair:
    """Σ_i y_i·ln(1 + e^(−z_i)) = −Σ_i y_i·ln σ(z_i), as ``sigmoid_cross_entropy`` takes it."""
    return _softplus_terms(t, lambda y, z, yv, zv, soft: (f"{y}·{soft[0]}", f"{t.p(yv)}·{soft[1]}"))


def _sigmoid_bce_from_logits(t: LogitText) -> Pair:
    """Σ_i [(1 − y_i)·z_i + ln(1 + e^(−z_i))], as ``sigmoid_bce`` takes it."""
    return _softplus_terms(t, lambda y, z, yv, zv, soft: (f"((1 − {y})·{z} + {soft[0]})",
                                                          f"((1 − {t.n(yv)})·{t.p(zv)} + {soft[1]})"))


class Fused(NamedTuple):
    """A loss on the output activation ``activation``, taken from the logits z.

    ``value(z, y, a)`` is the batch-mean loss of ``[B, n]`` arrays (``a`` the activation's
    output, which a form may use when it is exact); ``delta(a, y)`` is δ = ∂E/∂z with the
    1/B factor. ``delta_text`` writes one sample's δ_i: (symbolic, with numbers, a note);
    ``steps`` the derivation behind it, if it has one; ``value_note`` a line under the
    loss; ``torch_value`` the export's batch-mean loss of ``logits`` [B, n] (None: the
    loss of ``out`` is exact enough).
    """

    activation: str
    value: Callable[[np.ndarray, np.ndarray, np.ndarray], float]
    delta: Callable[[np.ndarray, np.ndarray], np.ndarray]
    delta_text: Callable[[LossText], tuple[str, str, str]]
    steps: Callable[[LossText], tuple[str, ...]] | None = None
    value_note: str | None = None
    torch_value: str | None = None
    # δ as ``delta`` computes it for targets known to sum to exactly 1 in every sample
    # (``targets_sum_to_one``), without looking at them again: training knows its batches
    # beforehand. None: ``delta`` does not depend on that
    unit_delta: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None
    logit_form: LogitForm | None = None  # how the loss is written where the outputs saturated


class Loss(NamedTuple):
    """A loss, one entry: value, gradient, the texts a derivation shows and its torch form.

    ``term`` writes one output's term of the per-sample sum, ``sample`` wraps the joined
    terms ``(symbolic, numbers)`` into the per-sample loss, ``grad_text`` writes ∂E/∂a_i
    (core/explain adds the batch factor); ``torch`` is the PyTorch expression of the
    batch-mean loss of ``out`` [B, n] against ``y``. ``fused`` lists the output activations
    it is taken together with; ``needs`` names the one the last layer must have (None:
    any); ``probabilities`` asks every target to lie in [0, 1].
    """

    name: str
    value: Callable[..., float]
    grad: Callable[[np.ndarray, np.ndarray], np.ndarray]
    symbol: str  # C or E
    formula: str  # the per-sample loss, symbolic
    grad_formula: str  # ∂E/∂a_i, symbolic (per sample)
    term: Callable[[LossText], Pair]
    sample: Callable[[Pair, int], Pair]
    grad_text: Callable[[LossText], Pair]
    torch: str
    short: str  # a panel's title: CE, SE, MSE
    distribution: bool = False  # its targets must be ≥ 0 and sum to 1 (checked at load and on edits)
    fused: tuple[Fused, ...] = ()
    needs: str | None = None  # the activation the last layer must have
    probabilities: bool = False  # every target in [0, 1], not a distribution (checked at load and on edits)
    # where the loss of the output as written (by hand: the rounded output) takes ln of a
    # number below the tiniest float, which it floors there: (does ``out`` [B, n] do so, the note)
    floored: tuple[Callable[[np.ndarray], bool], str] | None = None

    def fused_with(self, activation: str | None) -> Fused | None:
        """The fused form of this loss on an output ``activation``, if it has one."""
        return next((f for f in self.fused if f.activation == activation), None)

    @property
    def bounded_targets(self) -> bool:
        """Must each target lie in [0, 1]?"""
        return self.distribution or self.probabilities


def softmax_cross_entropy_steps(t: LossText) -> tuple[str, ...]:
    """The notes' derivation of ∂C/∂z_i = a_i − y_i through the softmax Jacobian."""
    return (
        "a_i = e^(z_i) / Σ_k e^(z_k),   C = −Σ_j y_j·ln a_j",
        "∂C/∂z_i = Σ_j ∂C/∂a_j · ∂a_j/∂z_i,   " + tr("with {formula}", formula="∂C/∂a_j = −y_j / a_j"),
        "i = j:  ∂a_i/∂z_i = (e^(z_i)·Σ_k e^(z_k) − e^(z_i)·e^(z_i)) / (Σ_k e^(z_k))² = a_i·(1 − a_i)",
        "i ≠ j:  ∂a_j/∂z_i = −e^(z_i)·e^(z_j) / (Σ_k e^(z_k))² = −a_i·a_j",
        "∂C/∂z_i = −y_i/a_i · a_i(1 − a_i) + Σ_{j≠i} (−y_j/a_j)·(−a_i·a_j)",
        "        = −y_i·(1 − a_i) + a_i·Σ_{j≠i} y_j = a_i·Σ_j y_j − y_i",
        "        = a_i − y_i   " + tr("(the targets sum to 1)   here: {a} − {y}", a=t.n(t.a_value), y=t.n(t.y_value)),
    )


def _target_totals(y: np.ndarray) -> np.ndarray:
    """Σ_j y_j of each sample ``[B, 1]``, as softmax cross-entropy's δ multiplies by it."""
    total: np.ndarray = y.sum(axis=-1, keepdims=True)
    return total


def targets_sum_to_one(y: np.ndarray) -> bool:
    """Whether every sample's targets ``y [B, n]`` sum to exactly 1.0 (as ``_softmax_ce_delta``
    adds them), so that ``Fused.unit_delta`` gives ``delta``'s numbers."""
    return bool((_target_totals(y) == 1.0).all())


def _softmax_ce_delta(a: np.ndarray, y: np.ndarray) -> np.ndarray:
    """δ = a·Σy − y, which is a − y for targets that sum to 1 (exact and stable)."""
    total = _target_totals(y)
    if a.shape[0] == 1 and total.size == 1 and total.item() == 1.0:
        return _softmax_ce_unit_delta(a, y)
    result: np.ndarray = (a * total - y) / a.shape[0]
    return result


def _softmax_ce_unit_delta(a: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``_softmax_ce_delta`` where every sample's targets sum to exactly 1: a·1 is exact, so
    (a·1 − y)/B is (a − y)/B to the bit, and for one sample /1 is exact too: a − y."""
    if a.shape[0] == 1:
        one: np.ndarray = a - y
        return one
    result: np.ndarray = (a - y) / a.shape[0]
    return result


def _softmax_ce_text(t: LossText) -> tuple[str, str, str]:
    if t.total == 1.0:
        note = tr("softmax + cross-entropy: ∂C/∂z_i = a_i − y_i (the targets sum to 1)")
        formula, numbers = f"{t.a} − {t.y}", f"{t.n(t.a_value)} − {t.n(t.y_value)}"
    else:  # an edited target: the general result a_i·Σ_j y_j − y_i
        note = tr("softmax + cross-entropy: ∂C/∂z_i = a_i·Σ_j y_j − y_i; these targets sum to {total}, not 1",
                  total=t.n(t.total))
        formula, numbers = f"{t.a}·Σ_j y_j − {t.y}", f"{t.p(t.a_value)}·{t.p(t.total)} − {t.p(t.y_value)}"
    return formula, numbers, tr("{note}; the Jacobian derivation of this result is available", note=note)


def _sigmoid_ce_delta(a: np.ndarray, y: np.ndarray) -> np.ndarray:
    """δ = −y/a · a(1 − a) = −y·(1 − a): no division by an a that may underflow to 0."""
    result: np.ndarray = -y * (1.0 - a) / a.shape[0]
    return result


def _sigmoid_bce_delta(a: np.ndarray, y: np.ndarray) -> np.ndarray:
    """δ = a − y (divided by B)."""
    result: np.ndarray = (a - y) / a.shape[0]
    return result


_SOFTMAX_CE = Fused(
    "softmax", softmax_cross_entropy, _softmax_ce_delta, _softmax_ce_text,
    steps=softmax_cross_entropy_steps,
    value_note=mark("ln a_i is computed from the logits as z_i − ln Σ_k e^(z_k), so it stays finite"),
    torch_value="-(y * torch.log_softmax(logits, dim=1)).sum(dim=1).mean()", unit_delta=_softmax_ce_unit_delta,
    logit_form=LogitForm(underflowed, _softmax_ce_from_logits, mark(
        "some a_i is 0 in float64, where ln a_i has no value: the loss is written from the logits, as it "
        "was computed: C = Σ_j y_j·ln Σ_k e^(z_k − m) − Σ_i y_i·(z_i − m), m the largest logit "
        "(each e^(z_k − m) ≤ 1)")))
_SIGMOID_CE = Fused(
    "sigmoid", lambda z, y, a: sigmoid_cross_entropy(z, y), _sigmoid_ce_delta,
    lambda t: (f"−{t.y}·(1 − {t.a})", f"−{t.p(t.y_value)}·(1 − {t.p(t.a_value)})",
               tr("sigmoid + cross-entropy: δ = ∂C/∂a·σ′(z) = (−y/a)·a·(1 − a) = −y·(1 − a)")),
    logit_form=LogitForm(_sigmoid_saturated, _sigmoid_ce_from_logits, mark(
        "some a_i is exactly 0 or 1 in float64: the loss is written from the logits, −ln σ(z) = ln(1 + e^(−z)) "
        "= max(0, −z) + ln(1 + e^(−|z|)), as it was computed (ln(1 + x) written x below 1e−8, where "
        "the two agree to 8 digits)")))
_SIGMOID_BCE = Fused(
    "sigmoid", lambda z, y, a: sigmoid_bce(z, y), _sigmoid_bce_delta,
    lambda t: (f"{t.a} − {t.y}", f"{t.n(t.a_value)} − {t.n(t.y_value)}",
               tr("sigmoid + binary cross-entropy: δ = ∂E/∂a·σ′(z) = (a − y)/(a·(1 − a))·a·(1 − a) = a − y")),
    value_note=mark("each term is computed from the logit as (1 − y_i)·z_i + ln(1 + e^(−z_i)), so it stays finite"),
    torch_value="F.binary_cross_entropy_with_logits(logits, y, reduction='sum') / BATCH",
    logit_form=LogitForm(_sigmoid_saturated, _sigmoid_bce_from_logits, mark(
        "some a_i is exactly 0 or 1 in float64: the loss is written from the logits, each term "
        "(1 − y_i)·z_i + (max(0, −z_i) + ln(1 + e^(−|z_i|))), as it was computed (ln(1 + x) written x "
        "below 1e−8, where the two agree to 8 digits)")))


_TABLE = {entry.name: entry for entry in (
    Loss("cross_entropy", cross_entropy, cross_entropy_grad, "C", "−Σ_i y_i·ln a_i", "−y_i / a_i",
         lambda t: (f"{t.y}·ln {t.a}", f"{t.p(t.y_value)}·ln {t.n(t.a_value)}"),
         lambda s, n: (f"−({s[0]})", f"−({s[1]})"),
         lambda t: (f"−{t.y} / {t.a}", f"−{t.p(t.y_value)} / {t.p(t.a_value)}"),
         "-(y * torch.log(out)).sum(dim=1).mean()", "CE", distribution=True, fused=(_SOFTMAX_CE, _SIGMOID_CE),
         floored=(_below_tiny, _FLOOR_NOTE)),
    Loss("binary_cross_entropy", binary_cross_entropy, binary_cross_entropy_grad, "E",
         "−Σ_i [y_i·ln a_i + (1 − y_i)·ln(1 − a_i)]", "(a_i − y_i) / (a_i·(1 − a_i))",
         lambda t: (f"{t.y}·ln {t.a} + (1 − {t.y})·ln(1 − {t.a})",
                    f"{t.p(t.y_value)}·ln {t.n(t.a_value)} + (1 − {t.n(t.y_value)})·ln(1 − {t.n(t.a_value)})"),
         lambda s, n: (f"−({s[0]})", f"−({s[1]})"),
         lambda t: (f"({t.a} − {t.y}) / ({t.a}·(1 − {t.a}))",
                    f"({t.n(t.a_value)} − {t.n(t.y_value)}) / ({t.n(t.a_value)}·(1 − {t.n(t.a_value)}))"),
         "F.binary_cross_entropy(out, y, reduction='sum') / BATCH", "BCE",
         fused=(_SIGMOID_BCE,), needs="sigmoid", probabilities=True, floored=(_bce_below_tiny, _FLOOR_NOTE)),
    Loss("squared_error", squared_error, squared_error_grad, "E", "½·Σ_i (y_i − a_i)²", "a_i − y_i",
         lambda t: (f"({t.y} − {t.a})²", f"({t.n(t.y_value)} − {t.n(t.a_value)})²"),
         lambda s, n: (f"½·({s[0]})", f"½·({s[1]})"),
         lambda t: (f"({t.a} − {t.y})", f"({t.n(t.a_value)} − {t.n(t.y_value)})"),
         "(0.5 * ((y - out) ** 2).sum(dim=1)).mean()", "SE"),
    Loss("mse", mse, mse_grad, "E", "(1/n)·Σ_i (y_i − a_i)²", "2·(a_i − y_i)/n",
         lambda t: (f"({t.y} − {t.a})²", f"({t.n(t.y_value)} − {t.n(t.a_value)})²"),
         lambda s, n: (f"({s[0]}) / {n}", f"({s[1]}) / {n}"),
         lambda t: (f"2·({t.a} − {t.y}) / {t.count}", f"2·({t.n(t.a_value)} − {t.n(t.y_value)}) / {t.count}"),
         "((y - out) ** 2).mean(dim=1).mean()", "MSE"),
)}

LOSSES = tuple(_TABLE)


def get_loss(name: str) -> Loss:
    """Look up a loss by name (one of LOSSES)."""
    return _TABLE[name]
