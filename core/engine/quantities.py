"""Quantity kinds and names (contract §3): ``LAYER.KIND[i,j,...]``, ``input[...]``, ``target[...]``, ``loss``.

``KINDS`` is the one registry of quantity kinds: the stage that computes each, whether it
has a value per sample, whether a learner may edit it, its symbol, title and short label.
The stepper, explain, quiz scopes, report sections, panel rows and diagnosis read it;
a layer names the kinds it has (core/nn/layers) and a test checks they are all here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from core.errors import QuantityError
from core.i18n import mark, tr
from core.nn.optim import OPTIMIZERS

STAGES = ("given", "forward", "backward", "update")


class QuantityKind(NamedTuple):
    """One kind of quantity. ``symbol`` is the letter a derivation writes (``z_fc[0]``);
    ``title`` says what it is in words (``{optimizer}`` stands for the scenario's optimizer,
    e.g. "weight after the {optimizer} update"); ``label`` heads its block in a layer panel."""

    name: str
    stage: str  # given | forward | backward | update: the part of an iteration that computes it
    per_sample: bool  # one value per sample (a leading batch axis when batch_size > 1)
    editable: bool  # a learner may edit it (the stepper then recomputes what depends on it)
    symbol: str
    title: str
    label: str
    top: bool = False  # a name of its own (input, target, loss), not LAYER.KIND
    whole: bool = False  # its values are whole numbers (a mask's 0 and 1): shown without decimals
    state: bool = False  # an optimizer's state buffer (after the update, or the start it is given)


KINDS: dict[str, QuantityKind] = {k.name: k for k in (
    QuantityKind("input", "given", True, True, "x", mark("input value of the sample"), "input", top=True),
    QuantityKind("target", "given", True, True, "y", mark("target value of the sample"), "target", top=True),
    QuantityKind("weight", "given", False, True, "w", mark("weight used by the forward pass"), "weight"),
    QuantityKind("bias", "given", False, True, "b", mark("bias used by the forward pass"), "bias"),
    QuantityKind("net", "forward", True, False, "z", mark("pre-activation (net input) z"), "net"),
    QuantityKind("out", "forward", True, False, "a", mark("output (activation applied)"), "out"),
    QuantityKind("loss", "forward", False, False, "E", mark("loss"), "loss", top=True),
    QuantityKind("grad_out", "backward", True, False, "∂E/∂a", mark("∂E/∂out, the loss's slope at this output"),
                 "∂out"),
    QuantityKind("delta", "backward", True, False, "δ", mark("δ = ∂E/∂net (the notes' coef)"), "delta"),
    QuantityKind("grad_weight", "backward", False, False, "∂E/∂w",
                 mark("gradient of the loss with respect to this weight"), "grad_w"),
    QuantityKind("grad_bias", "backward", False, False, "∂E/∂b",
                 mark("gradient of the loss with respect to this bias"), "grad_b"),
    QuantityKind("new_weight", "update", False, False, "w′", mark("weight after the {optimizer} update"), "new_w"),
    QuantityKind("new_bias", "update", False, False, "b′", mark("bias after the {optimizer} update"), "new_b"),
    # layers' own kinds (contract §6.2): batch norm's statistics, dropout's mask
    QuantityKind("mask", "given", True, True, "mask", mark("dropout mask (1 kept, 0 dropped)"), "mask", whole=True),
    QuantityKind("mean", "forward", False, False, "μ", mark("batch mean of the channel"), "mean"),
    QuantityKind("var", "forward", False, False, "σ²", mark("batch variance of the channel (biased, ÷N)"), "var"),
    QuantityKind("xhat", "forward", True, False, "x̂", mark("normalised input x̂ = (x − μ)/√(σ² + ε)"), "xhat"),
    QuantityKind("running_mean", "forward", False, False, "μ_run′",
                 mark("running mean after this iteration's forward"), "run_mean"),
    QuantityKind("running_var", "forward", False, False, "σ²_run′",
                 mark("running variance after this iteration's forward (unbiased, ÷(N−1))"), "run_var"),
)}


PREVIOUS = "prev_"  # LAYER.prev_KIND: the state buffer an update starts from (given, editable)
# the words of an optimizer's state kinds, from the optimizer's own title of the buffer
STATE_BEFORE = mark("{title} of the {param} before the update (the state it starts from)")
STATE_AFTER = mark("{title} of the {param} after the update")


def _optimizer_state_kinds() -> list[QuantityKind]:
    """Every optimizer's state kinds (sgd's ``momentum_buffer_weight`` …), from the optimizer
    registry: computed by the update, one value per parameter entry, after the update; and
    their ``prev_`` twins, the state the update starts from (given: the file's, the previous
    update's, or torch's start), which a learner may edit before the update."""
    starts, kinds = [], []
    for optimizer in OPTIMIZERS.values():
        for kind in optimizer.state_kinds:
            letter, title = optimizer.state_symbols[kind], optimizer.state_titles[kind]
            for param in ("weight", "bias"):
                starts.append(QuantityKind(f"{PREVIOUS}{kind}_{param}", "given", False, True, letter,
                                           STATE_BEFORE.format(title=title, param=param),
                                           f"{letter}_{param[0]}", state=True))
                kinds.append(QuantityKind(f"{kind}_{param}", "update", False, False, f"{letter}′",
                                          STATE_AFTER.format(title=title, param=param), f"{letter}′_{param[0]}",
                                          state=True))
    return starts + kinds


KINDS.update((k.name, k) for k in _optimizer_state_kinds())


def param_word(param: str) -> str:
    """A parameter in words (``weight``, ``bias``), in the interface's language."""
    return tr("weight") if param == "weight" else tr("bias") if param == "bias" else param


def kind_title(kind: str, optimizer: str | None = None) -> str:
    """What a kind of quantity is, in words, in the interface's language: ``title`` with the
    scenario's ``optimizer`` written in ("weight after the SGD update"; None leaves it out:
    "weight after the update"), or an optimizer's state kind from its buffer's words."""
    found = KINDS[kind]
    if not found.state:
        text = tr(found.title, optimizer=optimizer or "")
        return text if optimizer else " ".join(text.split())
    state, _, param = kind.removeprefix(PREVIOUS).rpartition("_")
    title = next(o.state_titles[state] for o in OPTIMIZERS.values() if state in o.state_titles)
    return tr(STATE_BEFORE if kind.startswith(PREVIOUS) else STATE_AFTER, title=tr(title), param=param_word(param))


def kinds_where(stage: str | None = None, per_sample: bool | None = None, editable: bool | None = None,
                top: bool | None = None, state: bool | None = None) -> tuple[str, ...]:
    """The names of the kinds that match every condition given, in registry order."""
    return tuple(k.name for k in KINDS.values()
                 if (stage is None or k.stage == stage) and (per_sample is None or k.per_sample == per_sample)
                 and (editable is None or k.editable == editable) and (top is None or k.top == top)
                 and (state is None or k.state == state))


PARAM_KINDS = ("weight", "bias")  # the parameters a layer's update changes
START_STATE_KINDS = kinds_where(stage="given", state=True)  # prev_momentum_buffer_weight …
FORWARD_KINDS = kinds_where(stage="forward", top=False)  # net, out
BACKWARD_KINDS = kinds_where(stage="backward")  # grad_out, delta, grad_weight, grad_bias
UPDATE_KINDS = kinds_where(stage="update")  # new_weight, new_bias, then the optimizers' state kinds
PER_SAMPLE_KINDS = kinds_where(per_sample=True, top=False)  # net, out, grad_out, delta
EDITABLE_KINDS = kinds_where(editable=True)  # input, target, weight, bias, mask, the prev_ state
# given kinds a layer owns (dropout's mask): not its parameters, not the optimizer's start state
GIVEN_LAYER_KINDS = tuple(k for k in kinds_where(stage="given", top=False, state=False) if k not in PARAM_KINDS)

_NAME = re.compile(
    r"^\s*(?:(?P<top>input|target|loss)|(?P<layer>[a-z][a-z0-9_]*)\.(?P<kind>[a-z_]+))"
    r"\s*(?:\[(?P<index>[^\]]*)\])?\s*$")


@dataclass(frozen=True)
class QuantityRef:
    """A parsed name: ``layer`` is None for input, target and loss."""

    layer: str | None
    kind: str
    index: tuple[int, ...] | None = None

    @property
    def array_name(self) -> str:
        """The name of the whole array (no index), e.g. ``fc.delta``."""
        return self.kind if self.layer is None else f"{self.layer}.{self.kind}"

    def __str__(self) -> str:
        return self.array_name + format_index(self.index)


def format_index(index: tuple[int, ...] | None) -> str:
    """``(0, 1)`` → ``[0,1]``; None → empty."""
    return "" if index is None else "[" + ",".join(map(str, index)) + "]"


@lru_cache(maxsize=1 << 16)
def parse_name(text: str) -> QuantityRef:
    """Parse a quantity name; raise QuantityError with the reason if it is malformed.

    Remembered (the answer is immutable; a refusal is not kept, so its message is said in
    the language of the moment): the stepper, diagnosis and the teacher's checks parse the
    same few hundred names again and again."""
    m = _NAME.match(text)
    if not m:
        raise QuantityError(tr("'{text}' is not a quantity name (expected LAYER.KIND[i,...], input[...], "
                               "target[...] or loss)", text=text))
    index = None
    if m.group("index") is not None:
        parts = [p.strip() for p in m.group("index").split(",")]
        if not all(re.fullmatch(r"\d+", p) for p in parts):
            raise QuantityError(tr("'{text}': indices must be whole numbers ≥ 0, like [0,1]", text=text))
        index = tuple(int(p) for p in parts)
    if m.group("top"):
        return QuantityRef(None, m.group("top"), index)
    return QuantityRef(m.group("layer"), m.group("kind"), index)
