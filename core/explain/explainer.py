"""Build the Derivation of any single quantity from the stepper's stored arrays.

Explanations are built lazily, for the one value a learner looks at. The value shown is
always the stored one: nothing here recomputes the maths.

Every formula reproduces (docs/scenario-format.md, *Formulas that reproduce*): its numbers,
typed into a calculator as written, give the result to the precision shown. Numbers are
written with the display's decimals; when those do not give the result (a rounded operand
moved it), every number of the formula is written with one decimal more, then two, …
until they do. Every sum lists all its terms; the screen may ask for an elided one
(``max_terms``), which then says how many terms it leaves out.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, TypeVar, cast

import numpy as np

from core.engine.quantities import KINDS, PREVIOUS, QuantityRef, format_index, kind_title, param_word, parse_name
from core.engine.quantity_shapes import check_index, quantity_shape
from core.errors import QuantityError
from core.explain.arithmetic import evaluate, reproduces, shown_places, value_reproduces
from core.explain.derivation import Derivation
from core.i18n import tr, tr_n
from core.nn.activations import Written
from core.nn.layers import Layer
from core.nn.layers.terms import Formula, Ref, Terms
from core.nn.losses import LogitText, LossText
from core.nn.optim import Hyper, Term, UpdateContext, UpdateStep, get_optimizer
from core.numbers import fmt, fmt_array_read_remembered, round_as_shown, rounded_text

if TYPE_CHECKING:
    from core.engine.stepper import Stepper

MAX_TERMS = 6  # the terms of a sum the derivation panel shows before it says how many it leaves out
ALL = 1 << 62  # "every term" for the layers' term builders
T = TypeVar("T")
MAX_HELD = 200_000  # numbers or operands a report's shared context keeps before it starts afresh
# and at most these bytes of each: a number as written and read back takes ~270 bytes held,
# an operand's symbol and value ~360 (measured with tracemalloc on digits-modern's values)
MAX_HELD_BYTES = 1 << 25
NUMBER_BYTES, OPERAND_BYTES = 270, 360
# the text a layer's shared parts (Writer.once: batch norm's sums over a channel, a few
# 100 kB to MB each, at every precision tried) hold at most before they start afresh. Values
# come in reading order, every channel once a sample, so a bound below one layer's channels at
# once would make them anew for every value (the cost the memo exists to remove): 256 MB
MAX_ONCE_BYTES = 1 << 28
PREWRITTEN = 32  # a formula with this many numbers has them written at once (fmt_array)
EXTRA_DIGITS = 12  # at most this many decimals more than the display's, to make a formula reproduce
SYMBOLS = {name: kind.symbol for name, kind in KINDS.items() if not kind.symbol.startswith("∂")}


def explain(stepper: Stepper, name: str, decimals: int | None = 3, max_terms: int | None = None) -> Derivation:
    """The Derivation of one value, e.g. ``explain(s, "fc.delta[0]")``, every term of every
    sum written out, or (``max_terms``) the first ones of a longer sum and how many are left
    out (``Derivation.hidden``), as the derivation panel shows them.

    The numbers get the fewest decimals (the display's, or more) with which the formula and
    its earlier steps reproduce their results. Raises QuantityError if the name does not
    exist or the value is not computed yet.
    """
    ref = parse_name(name)
    shape = quantity_shape(stepper.network, stepper.batch_size, ref)
    check_index(shape, ref, require_scalar=True)
    if stepper.array(ref.array_name) is None and ref.kind.startswith(PREVIOUS):  # SGD's momentum before it starts
        raise QuantityError(tr("{ref} has not started yet: the first update sets it from the gradient, as torch does",
                                ref=ref))
    if stepper.array(ref.array_name) is None:
        raise QuantityError(tr("{ref} is not computed yet (next step: {step})", ref=ref,
                                step=stepper.phase().next_words()))
    return _explain(_Shared(stepper, decimals), ref, max_terms)


def explainer_of(stepper: Stepper, decimals: int | None = 3) -> Callable[[QuantityRef], Derivation]:
    """``explain`` for many values of one stepper state (a report of every value): what
    they share (the settings, the numbers as written, a layer's terms sent back) is worked
    out once. The refs must name computed values (as ``solve``'s names do): they are not
    checked again. The stepper must not change while it is used."""
    shared = _Shared(stepper, decimals)
    return lambda ref: _explain(shared, ref, None)


def _explain(shared: _Shared, ref: QuantityRef, max_terms: int | None) -> Derivation:
    """The reproduce loop of ``explain`` (see its docstring) for a checked ref."""
    stepper, decimals = shared.st, shared.decimals
    extra = 0
    explainer = _Explainer(stepper, decimals, extra, shared=shared)
    derivation = explainer.build(ref)
    finest: Derivation | None = None  # the numbers with every digit: are they written exactly already?
    while decimals is not None and extra < EXTRA_DIGITS and not explainer.reproduces():
        finest = finest or _Explainer(stepper, decimals, EXTRA_DIGITS, shared=shared).build(ref)
        if _same_numbers(finest.substituted, derivation.substituted):
            break  # its numbers are written exactly: more digits do not help
        extra += 1
        explainer = _Explainer(stepper, decimals, extra, shared=shared)
        derivation = explainer.build(ref)
    if not explainer.reproduces():
        derivation = _halfway(derivation)
    if max_terms is not None and explainer.longest > max_terms:
        derivation = replace(_Explainer(stepper, decimals, extra, max_terms, shared=shared).build(ref),
                             unrounded=derivation.unrounded)
    shared.done_with_value()
    return derivation


_DECIMAL = re.compile(r"[0-9]+\.[0-9]+")
_SCIENTIFIC = re.compile(r"[0-9]e[−+-]?[0-9]")  # a number written with an exponent: 1.467e299, 3.7e−18
_PLAIN_NUMBER = re.compile(r"−?[0-9]+(?:\.[0-9]+)?(?:e[−-]?[0-9]+)?")  # a number as arithmetic reads it


def _read_back(text: str) -> float | None:
    """The value a calculator reads from a written number (None: not a plain number, ∞)."""
    try:
        return float(text.replace("−", "-")) if _PLAIN_NUMBER.fullmatch(text) else None
    except ValueError:
        return None


def _same_numbers(a: str, b: str) -> bool:
    """Do two writings of a formula hold the same numbers (``0.100`` and ``0.1000`` are one)?"""
    def plain(text: str) -> str:
        return _DECIMAL.sub(lambda m: repr(float(m.group())), text)
    return plain(a) == plain(b)


def _halfway(derivation: Derivation) -> Derivation:
    """Hand-rounding that rounded a value half-way between two (0.1 + 0.0895 = 0.1895 → 0.190):
    the result is written with the value before its rounding, ``0.1895 ≈ 0.190``. (Not for
    a result in scientific notation, ``1.467e299``: it has no decimal places to round to.)"""
    if _SCIENTIFIC.search(derivation.value_text):
        return derivation
    try:
        before = evaluate(derivation.substituted)
    except (ValueError, ArithmeticError):
        return derivation
    text = fmt(float(f"{before:.12g}"), None)
    if not reproduces(derivation.substituted, text) or rounded_text(before, shown_places(derivation.value_text)) \
            != derivation.value_text:
        return derivation
    return replace(derivation, unrounded=text)


def update_context(stepper: Stepper, i: int, layer: Layer, param: str, index: tuple[int, ...],
                   decimals: int | None = 3) -> UpdateContext:
    """One parameter entry of layer ``i`` around its update, with symbols (for diagnosis)."""
    return _Explainer(stepper, decimals).update_context(i, layer, param, index)


def gradient_written_in(layer: Layer, batch: int) -> bool:
    """Does an update's derivation write the gradient in as its one product (a dense
    layer's δ·x, δ: one sample, one product), rather than name ∂E/∂w?"""
    return layer.gradient_is_one_product and batch == 1


def layer_writer(stepper: Stepper, i: int, layer: Layer, decimals: int | None = None) -> _LayerWriter:
    """The Writer of layer ``i`` (symbols and stored values of its operands), for diagnosis."""
    return _LayerWriter(_Explainer(stepper, decimals), i, layer)


def _terms(pairs: list[tuple[str, str]], total: int | None = None, limit: int = ALL) -> tuple[str, str]:
    """Join (symbolic, numeric) terms with +, keeping the first ``limit`` (every one by default)."""
    total = len(pairs) if total is None else total
    shown = pairs[:limit]
    if total == 1 and shown and shown[0][1].startswith("(") and shown[0][1].endswith(")") \
            and "(" not in shown[0][1][1:-1]:
        shown = [(shown[0][0], shown[0][1][1:-1])]  # a lone negative term needs no parentheses
    sym = " + ".join(s for s, _ in shown) or "0"
    num = " + ".join(n for _, n in shown) or "0"
    if total > len(shown):
        more = " + … " + tr_n("({n} more term)", "({n} more terms)", total - len(shown))
        sym += more
        num += more
    return sym, num


class _Shared:
    """What every explanation of one stepper state at one precision shares, worked out once:
    the settings written as given, the optimizer, the stored arrays by name, every number as
    written (with its value as a calculator reads it back) and the terms layers send back."""

    def __init__(self, stepper: Stepper, decimals: int | None) -> None:
        self.st = stepper
        self.decimals = decimals
        self.rounded = stepper.hand_rounding is not None and decimals is not None
        # hand-rounding: every stored value is rounded to its decimals, and written so
        self.d = stepper.hand_rounding if self.rounded else decimals
        # α and the optimizer's numbers (Adam's betas are a pair): written as given
        numbers: list[float] = [stepper.scenario.learning_rate]
        for v in stepper.scenario.optimizer.options.values():
            if isinstance(v, tuple):
                numbers += [float(x) for x in v]
            elif not isinstance(v, bool):
                numbers.append(float(v))
        self.settings = set(numbers)
        self.optimizer = get_optimizer(stepper.scenario.optimizer.type)
        self.written: dict[tuple[float | str, int], tuple[str, float | None]] = {}  # (value, extra) → (text, read back)
        self.arrays: dict[str, np.ndarray] = {}
        self.operands: dict[tuple[object, ...], tuple[str, float]] = {}  # (layer index, operand) → (symbol, value)
        self.sent: dict[str, list[np.ndarray]] = {}
        self.contexts: dict[tuple[object, ...], tuple[UpdateContext, list[tuple[str, float]] | None]] = {}
        self.terms: dict[tuple[object, ...], Terms] = {}  # a layer's terms of one value, by what they are of
        self.symbolic: dict[tuple[object, ...], tuple[tuple[str, ...], list[list[tuple[str, float]]]]] = {}
        self.layer_once: dict[tuple[object, ...], object] = {}  # what a layer's formulas share (Writer.once)
        self.once_bytes = 0  # about how much text layer_once holds (``text_bytes``)

    def value(self, ref: QuantityRef) -> float:
        """The stored value ``ref`` names (as ``Stepper.value``, its array looked up once)."""
        arr = self.arrays.get(ref.array_name)
        if arr is None:
            found = self.st.array(ref.array_name)
            if found is None:
                return self.st.value(str(ref))  # says what is not computed yet
            arr = self.arrays[ref.array_name] = found
        return float(arr[ref.index] if ref.index else arr)

    def done_with_value(self) -> None:
        """Forget what only one value's retries use (its terms, their symbols, its update's
        context), so a report of every value holds no more than the numbers and operands
        the values share; and those too past ``MAX_HELD`` or ``MAX_HELD_BYTES`` (a very large layer)."""
        self.terms.clear()
        self.symbolic.clear()
        self.contexts.clear()
        if len(self.written) > min(MAX_HELD, MAX_HELD_BYTES // NUMBER_BYTES):
            self.written.clear()
        if len(self.operands) > min(MAX_HELD, MAX_HELD_BYTES // OPERAND_BYTES):
            self.operands.clear()

    def sent_terms(self, layer: str) -> list[np.ndarray]:
        """What every reader of ``layer`` sends back to it (``Stepper.sent_terms``), once."""
        held = self.sent.get(layer)
        if held is None:
            held = self.sent[layer] = self.st.sent_terms(layer)
        return held


class _Explainer:
    def __init__(self, stepper: Stepper, decimals: int | None, extra: int = 0, limit: int | None = None,
                 shared: _Shared | None = None) -> None:
        self.st = stepper
        self.shared = shared if shared is not None else _Shared(stepper, decimals)
        self.rounded = self.shared.rounded
        self.d = self.shared.d
        self.extra = extra  # decimals the numbers of a formula get beyond the display's
        self.limit = ALL if limit is None else limit  # terms of a sum written out
        self.longest = 0  # the most terms any sum of the derivation has
        self.written_steps: list[tuple[str, str]] = []  # (numbers, result) of every formula written
        self.known: dict[str, float] = {}  # numbers written as a sum whose value was worked out as written
        self._reproduces: bool | None = None
        self.settings = self.shared.settings
        self._numbers = self.shared.written
        self._operands = self.shared.operands
        self.network = stepper.network
        self.batch = stepper.batch_size
        loss = self.network.loss
        self.E = loss.symbol
        self.optimizer = self.shared.optimizer

    # --- small helpers ---------------------------------------------------------------
    def n(self, v: float) -> str:
        """A number of a formula: the display's decimals (plus ``extra``), at least three
        significant digits, trailing zeros dropped only when the number is exactly that
        (0.1 as given; 0.37989 stays 0.380). Under hand-rounding every number is rounded to
        the decimals, and written with all of them as the grid writes it (0.380, 0.100),
        whole numbers aside (1, 0)."""
        return self.written_number(v)[0]

    def written_number(self, v: float) -> tuple[str, float | None]:
        """``n(v)`` and the value a calculator reads back from it (None: not a plain number,
        ∞ or NaN), each worked out once per value and decimals for the whole state."""
        # 0 and −0 are written differently but equal as keys (−0 has its own); NaN never equals
        key: tuple[float | str, int] = (v, self.extra) if v != 0 else ("−0" if math.copysign(1.0, v) < 0 else "0",
                                                                       self.extra)
        if v == v:
            held = self._numbers.get(key)
            if held is not None:
                return held
        if self.d is None:
            text = fmt(v, None)
        else:
            text = fmt(v, *self.number_format(float(v).is_integer() or v in self.settings))  # 1, 0, α as given
        held = (text, _read_back(text))
        if v == v:
            self._numbers[key] = held
        return held

    def prewrite(self, values: list[float]) -> None:
        """Write the numbers of a long formula at once (``written_numbers``: the same text
        as ``written_number`` gives each), so its terms find them written."""
        if self.d is None or len(values) < PREWRITTEN:
            return
        numbers = self._numbers
        extra = self.extra
        todo = [v for v in dict.fromkeys(values) if v != 0 and math.isfinite(v) and (v, extra) not in numbers]
        if len(todo) >= PREWRITTEN:
            for v, text in zip(todo, self.written_numbers(np.array(todo))):
                numbers[(v, extra)] = (text, _read_back(text))

    def number_format(self, plain: bool) -> tuple[int, bool | str, int]:
        """(decimals, trim, sig) of ``fmt`` for a formula's number (``plain``: a whole
        number or one of the settings, written as given)."""
        assert self.d is not None
        trim: bool | str = "exact" if plain or not self.rounded else False
        return self.d + self.extra, trim, 0 if self.rounded else 3 + self.extra

    def written_numbers(self, values: np.ndarray) -> list[str]:
        """``n(v)`` of every finite value of an array at once (``fmt_array``)."""
        return self.written_numbers_read(values)[0]

    def written_numbers_read(self, values: np.ndarray) -> tuple[list[str], np.ndarray]:
        """``written_numbers``, and the float each text reads back as (``fmt_array_read``;
        NaN where the caller must read the text itself)."""
        flat = np.asarray(values, dtype=np.float64).ravel()
        plain = (flat == np.floor(flat)) | np.isin(flat, np.array(sorted(self.settings)))
        if not plain.any() or plain.all():  # (most arrays: one format for all)
            texts, read, _ = fmt_array_read_remembered(flat, *self.number_format(bool(plain.any())))
            return texts, read
        out = np.empty(flat.size, dtype=object)
        back = np.full(flat.size, np.nan)
        for kind in (True, False):
            where = np.flatnonzero(plain == kind)
            texts, read, _ = fmt_array_read_remembered(flat[where], *self.number_format(kind))
            out[where] = texts
            back[where] = read
        written: list[str] = out.tolist()
        return written, back

    @property
    def result_sig(self) -> int:
        """Significant digits a result keeps at least (``Derivation.sig``)."""
        return 0 if self.rounded else 3

    def p(self, v: float) -> str:
        return self.factor(v)[0]

    def factor(self, v: float) -> tuple[str, float | None]:
        """``p(v)`` (a negative number in parentheses, for a product) and its value read back."""
        text, back = self.written_number(v)
        return (f"({text})", back) if text.startswith("−") else (text, back)

    def count(self, total: int) -> int:
        """Note a sum of ``total`` terms; the number of them to write out."""
        self.longest = max(self.longest, total)
        return min(total, self.limit)

    def reproduces(self) -> bool:
        """Do all the formulas written (the value's and its earlier steps') reproduce?"""
        if self._reproduces is None:
            self._reproduces = all(self._step_reproduces(numbers, result) for numbers, result in self.written_steps)
        return self._reproduces

    def _step_reproduces(self, numbers: str, result: str) -> bool:
        """``reproduces(numbers, result)``, with a sum's value taken from the numbers as they
        were written (the same arithmetic, in the same order) rather than read again."""
        value = self.known.get(numbers)
        if value is None:
            return reproduces(numbers, result)
        return value_reproduces(value, result)

    def split(self, ref: QuantityRef) -> tuple[int, tuple[int, ...]]:
        """(sample in batch, index within the sample) of a per-sample name."""
        assert ref.index is not None
        return (ref.index[0], ref.index[1:]) if self.batch > 1 else (0, ref.index)

    def shown(self, b: int, idx: tuple[int, ...]) -> str:
        return format_index((b, *idx) if self.batch > 1 else idx)

    def sym(self, kind: str, layer: str | None, b: int, idx: tuple[int, ...]) -> str:
        """Symbol of a per-sample quantity: ``a_fc[0]``, ``x[0,3]``, ``∂E/∂a_pool[1,0]``."""
        if layer is None:
            return ("x" if kind == "input" else "y") + self.shown(b, idx)
        if kind == "grad_out":
            return f"∂{self.E}/∂a_{layer}{self.shown(b, idx)}"
        return f"{SYMBOLS[kind]}_{layer}{self.shown(b, idx)}"

    def psym(self, kind: str, layer: str, idx: tuple[int, ...]) -> str:
        """Symbol of a parameter-shaped quantity: ``w_out[0,1]``, ``∂E/∂w_out[0,1]`` (a layer
        may name its parameters as a course does: batch norm's γ, β)."""
        own = self.network.layer(layer).param_symbols
        if kind.startswith("grad_"):
            return f"∂{self.E}/∂{own.get(kind[5:], SYMBOLS[kind[5:]])}_{layer}{format_index(idx)}"
        if kind.startswith("new_") and kind[4:] in own:
            return f"{own[kind[4:]]}′_{layer}{format_index(idx)}"
        return f"{own.get(kind, SYMBOLS[kind])}_{layer}{format_index(idx)}"

    def val(self, key: str, b: int, idx: tuple[int, ...]) -> float:
        arr = self.st.batched(key)
        if arr is None:
            raise QuantityError(tr("{key} is not computed yet", key=key))
        return float(arr[(b, *idx)])

    def param(self, layer: str, kind: str, idx: tuple[int, ...]) -> float:
        return float(self.st.params[layer][kind][idx])

    def stored(self, ref: QuantityRef) -> float:
        """The stored value ``ref`` names (the value a derivation ends with)."""
        return self.shared.value(ref)

    def at(self, name: str, index: tuple[int, ...]) -> float:
        """One entry of the stored array ``name`` (an update's gradient and result)."""
        return float(self.st.values_array(name)[index])

    def input_of(self, i: int, source: int = 0) -> tuple[str | None, str]:
        """(layer name or None for the sample, key of the array) of input ``source`` of
        layer i (its first, unless it reads several)."""
        src = self.network.inputs_of(self.network.layers[i].name)[source]
        if src == "input":
            return None, "input"
        return src, f"{src}.out"

    def in_sym(self, i: int, b: int, idx: tuple[int, ...], source: int = 0) -> str:
        layer, _ = self.input_of(i, source)
        return self.sym("input" if layer is None else "out", layer, b, idx)

    def in_val(self, i: int, b: int, idx: tuple[int, ...], source: int = 0) -> float:
        return self.val(self.input_of(i, source)[1], b, idx)

    def make(self, ref: QuantityRef, symbol: str, formula: str, substituted: str,
             notes: tuple[str, ...] = (), steps: tuple[str, ...] = (), title: str | None = None) -> Derivation:
        value = self.stored(ref)
        if not title:  # "weight after the SGD update of out"
            if ref.kind == "out" and ref.layer and not self.network.layer(ref.layer).has_net:
                title = tr("output")  # a pool or flatten has no activation to apply
            else:
                title = kind_title(ref.kind, self.optimizer.title)
            if ref.layer:
                title = tr("{what} of {layer}", what=title, layer=ref.layer)
        # the units write a gradient as ∂E/∂…; the derivation uses the loss's own symbol (C for
        # cross-entropy) in its words as in its formula, never both side by side
        title, notes, steps = self.in_loss_symbol(title), tuple(map(self.in_loss_symbol, notes)), \
            tuple(map(self.in_loss_symbol, steps))
        derivation = Derivation(str(ref), title, symbol, formula, substituted, value, self.d, notes, steps,
                                hidden=max(self.longest - self.limit, 0), sig=self.result_sig)
        if substituted:
            self.written_steps.append((substituted, derivation.value_text))
        return derivation

    def in_loss_symbol(self, text: str) -> str:
        """``∂E/∂net`` → ``∂C/∂net`` when the loss is written C."""
        return text if self.E == "E" else text.replace("∂E/", f"∂{self.E}/")

    # --- dispatch ----------------------------------------------------------------------
    def build(self, ref: QuantityRef) -> Derivation:
        if ref.layer is None:
            return self.loss(ref) if ref.kind == "loss" else self.given(ref)
        i = self.network.index_of(ref.layer)
        layer = self.network.layers[i]
        if ref.kind in self.network.state_kinds_of(layer):
            return self.optimizer_state(ref, i, layer)
        if ref.kind in self.network.start_state_kinds_of(layer):
            return self.start_state(ref, layer)
        if ref.kind in layer.own_kinds():
            return self.own(ref, i, layer)
        method: Callable[[QuantityRef, int, Layer], Derivation] = getattr(self, ref.kind)  # grad_out, delta, …
        return method(ref, i, layer)

    # --- given values ---------------------------------------------------------------
    def given(self, ref: QuantityRef) -> Derivation:
        b, idx = self.split(ref)
        sample = self.st.sample_indices()[b]
        symbol = self.sym(ref.kind, None, b, idx)
        value = self.stored(ref)
        labels = self.st.state.samples.labels
        how = tr("sample {k} of {n}, as given", k=sample + 1, n=len(self.st.state.samples))
        before = self.st.state.edits.get(str(ref))
        if before is not None:
            how = tr("sample {k}, edited by you (it was {before})", k=sample + 1, before=self.n(before))
        if ref.kind == "target" and labels is not None and labels[sample] >= 0:
            how = tr("one-hot target of class {label} (sample {k})", label=int(labels[sample]), k=sample + 1)
        return self.make(ref, symbol, self.n(value), "", notes=(how,))

    def weight(self, ref: QuantityRef, i: int, layer: Layer) -> Derivation:
        assert ref.index is not None
        symbol = self.psym(ref.kind, layer.name, ref.index)
        it = self.st.iteration
        source = (tr("as given in the scenario") if it == 1
                  else tr("the value after iteration {it}'s update", it=it - 1))
        scenario = self.st.scenario
        if it == 1 and f"{layer.name}.{ref.kind}" in scenario.initialised:
            how = tr("zero") if ref.kind == "bias" else \
                (scenario.layer_specs[i].get("init") or scenario.init or "xavier")
            source = tr("drawn at load ({how} initialisation, seed {seed}): the file leaves it out", how=how,
                        seed=scenario.seed or 0)
        before = self.st.state.edits.get(str(ref))
        if before is not None:
            source = tr("edited by you (it was {before})", before=self.n(before))
        if it == 1 and f"{layer.name}.{ref.kind}" in scenario.initialised and ref.kind in layer.param_defaults:
            source = tr("PyTorch's starting value {value} (the file leaves it out)",
                        value=self.n(layer.param_defaults[ref.kind]))
        exact = self.st.state.unrounded
        given = None if exact is None else float(exact[layer.name][ref.kind][ref.index])
        if given is not None and given != self.stored(ref):
            source += tr("; hand-rounding uses it rounded (exactly {exact})", exact=fmt(given, None))
        note = tr("{source}; frozen (never updated)", source=source) if ref.kind in layer.frozen else source
        return self.make(ref, symbol, self.n(self.stored(ref)), "", notes=(note,))

    bias = weight

    # --- a layer's own kinds (batch norm's statistics, dropout's mask) ------------------
    def own(self, ref: QuantityRef, i: int, layer: Layer) -> Derivation:
        """A value of one of the layer's own kinds: given (a mask: where it came from) or
        computed (written by the layer itself, with every number)."""
        per_sample = KINDS[ref.kind].per_sample
        b, idx = self.split(ref) if per_sample else (0, ref.index or ())
        symbol = self.sym(ref.kind, layer.name, b, idx) if per_sample else \
            f"{SYMBOLS[ref.kind]}_{layer.name}{format_index(idx)}"
        if KINDS[ref.kind].stage == "given":
            return self.make(ref, symbol, self.n(self.stored(ref)), "", notes=(self.given_source(ref, layer),))
        written = layer.own_formula(ref.kind, b, idx, _LayerWriter(self, i, layer))
        return self.make(ref, symbol, written.formula, written.substituted, written.notes)

    def given_source(self, ref: QuantityRef, layer: Layer) -> str:
        """Where a given array's value comes from: the file, the seed, or an edit."""
        before = self.st.state.edits.get(str(ref))
        if before is not None:
            return tr("edited by you (it was {before})", before=self.n(before))
        it = self.st.iteration
        if it == 1 and ref.array_name in self.st.state.given:
            return tr("iteration 1's, as given in the scenario")
        seed = self.st.scenario.seed or 0
        return tr("drawn for iteration {it} from seed {seed} (the same seed and iteration draw the same)",
                  it=it, seed=seed)

    # --- forward ----------------------------------------------------------------------
    def operand(self, i: int, layer: Layer, ref: Ref) -> tuple[str, float]:
        """(symbol, value) of one operand of layer i's terms (looked up once per state)."""
        key = (i, ref.kind, ref.index, ref.sample, ref.source, ref.before)  # hashed as plain data
        held = self._operands.get(key)
        if held is None:
            held = self._operands[key] = self._operand(i, layer, ref)
        return held

    def _operand(self, i: int, layer: Layer, ref: Ref) -> tuple[str, float]:
        if ref.is_param:
            return self.psym(ref.kind, layer.name, ref.index), self.param(layer.name, ref.kind, ref.index)
        if ref.is_layer_array:  # a batch or running statistic: one array of the layer's, no sample
            symbol = SYMBOLS[ref.kind]
            if ref.before:  # the state this iteration's forward started from
                symbol = symbol.removesuffix("′")
                state = self.st.layer_state.get(layer.name) or layer.initial_state()
                return f"{symbol}_{layer.name}{format_index(ref.index)}", float(state[ref.kind][ref.index])
            return (f"{symbol}_{layer.name}{format_index(ref.index)}",
                    float(self.st.values_array(f"{layer.name}.{ref.kind}")[ref.index]))
        if ref.kind == "x":
            return (self.in_sym(i, ref.sample, ref.index, ref.source),
                    self.in_val(i, ref.sample, ref.index, ref.source))
        return (self.sym(ref.kind, layer.name, ref.sample, ref.index),
                self.val(f"{layer.name}.{ref.kind}", ref.sample, ref.index))

    def terms_of(self, key: tuple[object, ...], make: Callable[[], Terms]) -> Terms:
        """A layer's terms of one value (``key`` says which), made once per state: every
        retry of the reproduce loop writes the same terms with other decimals."""
        held = self.shared.terms.get(key)
        if held is None:
            held = self.shared.terms[key] = make()
        return held

    def written(self, i: int, layer: Layer, terms: Terms,
                key: tuple[object, ...] | None = None) -> tuple[str, str, tuple[str, ...]]:
        """(formula, substituted, notes) of a layer's terms: a sum (+ bias) with factors
        written as factors, a window's max or mean, or one value passed on. With ``key``
        (the terms came from ``terms_of``), what does not depend on the decimals (the
        operands, their symbols, the notes) is worked out once."""
        count = self.count(terms.total)
        symbolic = None if key is None else self.shared.symbolic.get(key)
        if symbolic is None:
            notes = tuple(n.text.format(*(self.operand(i, layer, r)[0] for r in n.refs)) if n.refs else n.text
                          for n in terms.notes)
            ops = [[self.operand(i, layer, f) for f in term.factors] for term in terms.terms[:count]]
            symbolic = (notes, ops)
            if key is not None:
                self.shared.symbolic[key] = symbolic
        notes, ops = symbolic
        self.prewrite([f[1] for factors in ops for f in factors])
        if terms.combine == "copy":
            symbol, value = ops[0][0]
            return symbol, self.n(value), notes
        if terms.combine in ("max", "mean"):
            more = ", … " + tr("({n} more)", n=terms.total - len(ops)) if terms.total > len(ops) else ""
            syms = ", ".join(o[0][0] for o in ops) + more
            nums = ", ".join(self.n(o[0][1]) for o in ops) + more
            if terms.combine == "max":
                return f"max({syms})", f"max({nums})", notes
            return (f"({syms.replace(', ', ' + ')}) / {terms.total}", f"({nums.replace(', ', ' + ')}) / {terms.total}",
                    notes)
        pairs = []
        total: float | None = None  # the numbers' sum, worked out as a calculator reads them
        readable = bool(ops) and len(ops) == terms.total  # every term written: arithmetic to check
        for term, factors in zip(terms.terms, ops):
            sym = "·".join(f[0] for f in factors)
            written = [self.factor(f[1]) for f in factors]
            num = "·".join(text for text, _ in written)
            product: float | None = written[0][1] if written else None
            for _, back in written[1:]:
                product = None if product is None or back is None else product * back
            if term.divisor is not None:
                sym, num = f"{sym} / {term.divisor}", f"{num} / {term.divisor}"
                product = None if product is None else product / term.divisor
            pairs.append((sym, num))
            if product is None:
                readable = False
            elif readable:
                total = product if total is None else total + product
        sym, num = _terms(pairs, terms.total, self.limit)
        if terms.bias is not None:
            bsym, bval = self.operand(i, layer, terms.bias)
            btext, bback = self.factor(bval)
            sym, num = f"{sym} + {bsym}", f"{num} + {btext}"
            total = None if total is None or bback is None else total + bback
        if readable and total is not None:
            self.known[num] = total
        return sym, num, notes

    def net(self, ref: QuantityRef, i: int, layer: Layer) -> Derivation:
        b, idx = self.split(ref)
        symbol = self.sym("net", layer.name, b, idx)
        key = (i, "net", b, idx, self.limit)
        terms = self.terms_of(key, lambda: layer.net_terms(b, idx, self.limit))
        formula, substituted, notes = self.written(i, layer, terms, key)
        return self.make(ref, symbol, formula, substituted, notes)

    def element(self, layer: Layer, b: int, idx: tuple[int, ...]) -> Written:
        """z and a of one element, for the activation's formula builders."""
        assert layer.activation is not None
        return Written(self.sym("net", layer.name, b, idx), self.val(f"{layer.name}.net", b, idx),
                       self.sym("out", layer.name, b, idx), self.val(f"{layer.name}.out", b, idx),
                       self.n, self.p, layer.activation.settings)

    def out(self, ref: QuantityRef, i: int, layer: Layer) -> Derivation:
        b, idx = self.split(ref)
        symbol = self.sym("out", layer.name, b, idx)
        if not layer.has_net:
            own = layer.out_formula(self.st.cache(layer.name), b, idx, _LayerWriter(self, i, layer))
            if own is not None:
                return self.make(ref, symbol, own.formula, own.substituted, own.notes)
            key = (i, "out", b, idx, self.limit)
            terms = self.terms_of(key, lambda: layer.out_terms(self.st.cache(layer.name), b, idx, self.limit))
            formula, substituted, notes = self.written(i, layer, terms, key)
            return self.make(ref, symbol, formula, substituted, notes)
        act = layer.activation
        assert act is not None
        if act.value_text is not None:
            formula, substituted = act.value_text(self.element(layer, b, idx))
            return self.make(ref, symbol, formula, substituted, notes=(tr(act.value_note),) if act.value_note else ())
        # softmax over the sample's outputs
        z = self.val(f"{layer.name}.net", b, idx)
        zs = self.sym("net", layer.name, b, idx)
        nets = self.st.batched(f"{layer.name}.net")
        assert nets is not None
        flat_all = nets[b].ravel()
        count = flat_all.size
        k_pairs = []
        for k in range(self.count(count)):
            kidx = tuple(int(v) for v in np.unravel_index(k, layer.out_shape))
            k_pairs.append((f"e^{self.sym('net', layer.name, b, kidx)}", f"e^{self.p(float(flat_all[k]))}"))
        sym, num = _terms(k_pairs, count, self.limit)
        return self.make(ref, symbol, f"e^{zs} / ({sym})", f"e^{self.p(z)} / ({num})",
                         notes=(tr("softmax: the outputs are positive and sum to 1"),))

    def loss(self, ref: QuantityRef) -> Derivation:
        last = self.network.layers[-1]
        loss = self.network.loss
        out = self.st.batched(f"{last.name}.out")
        y = self.st.batched("target")
        assert out is not None and y is not None
        bsz = out.shape[0]
        fused = self.network.fused
        form = fused.logit_form if fused is not None else None
        # by hand the value is the loss of the rounded output (the stepper's), whatever the
        # places the derivation is shown with: the usual form
        by_hand = self.st.hand_rounding is not None
        from_logits = form is not None and not by_hand and form.saturated(out)
        per_sample = []
        for b in range(bsz):
            if from_logits:
                assert form is not None
                per_sample.append(form.sample(self.logit_text(last, b)))
                continue
            a = out[b].ravel()
            t = y[b]
            pairs = []
            for k in range(self.count(a.size)):
                kidx = tuple(int(v) for v in np.unravel_index(k, last.out_shape))
                pairs.append(loss.term(LossText(self.sym("target", None, b, (k,)), self.sym("out", last.name, b, kidx),
                                                float(t[k]), float(a[k]), a.size, self.n, self.p)))
            per_sample.append(loss.sample(_terms(pairs, a.size, self.limit), a.size))
        if bsz == 1:
            formula, substituted = per_sample[0]
        else:
            self.count(bsz)
            sym, num = _terms(per_sample, bsz, self.limit)
            formula, substituted = f"(1/{bsz})·({sym})", f"(1/{bsz})·({num})"
        averaged = tr(", averaged over the batch") if bsz > 1 else ""
        notes: tuple[str, ...] = (f"{loss.name}: {loss.symbol} = {loss.formula}{averaged}",)
        if from_logits:
            assert form is not None
            notes += (tr(form.note),)
        elif fused is not None and fused.value_note and not by_hand:
            notes += (tr(fused.value_note),)
        # the loss of the output itself (no fused form, or by hand), with its ln floored
        if (fused is None or by_hand) and loss.floored is not None and loss.floored[0](out):
            notes += (tr(loss.floored[1]),)
        return self.make(ref, loss.symbol, formula, substituted, notes, title=tr("loss ({name})", name=loss.name))

    def logit_text(self, last: Layer, b: int) -> LogitText:
        """Sample b's targets and logits as a fused loss's logit form writes them."""
        z = self.st.batched(f"{last.name}.net")
        y = self.st.batched("target")
        assert z is not None and y is not None
        size = int(np.prod(last.out_shape))
        shown = range(self.count(size))
        kidx = [tuple(int(v) for v in np.unravel_index(k, last.out_shape)) for k in shown]
        return LogitText(tuple(self.sym("target", None, b, (k,)) for k in shown),
                         tuple(self.sym("net", last.name, b, i) for i in kidx),
                         tuple(float(y[b][k]) for k in shown), tuple(float(z[(b, *i)]) for i in kidx),
                         float(z[b].max()), float(y[b].sum()), self.n, self.p,
                         lambda pairs: _terms(pairs, size, self.limit))

    # --- backward ----------------------------------------------------------------------
    def grad_out(self, ref: QuantityRef, i: int, layer: Layer) -> Derivation:
        b, idx = self.split(ref)
        symbol = self.sym("grad_out", layer.name, b, idx)
        formula, substituted, notes = self.grad_out_parts(i, layer, b, idx)
        return self.make(ref, symbol, formula, substituted, notes)

    def batch_factor(self) -> tuple[str, str]:
        return ("", "") if self.batch == 1 else (f"(1/{self.batch})·", f"(1/{self.batch})·")

    def grad_out_parts(self, i: int, layer: Layer, b: int, idx: tuple[int, ...]) -> tuple[str, str, tuple[str, ...]]:
        """(formula, substituted, notes) of ∂E/∂a at layer i, index idx of sample b."""
        layers = self.network.layers
        if i == len(layers) - 1:
            loss = self.network.loss
            k = int(np.ravel_multi_index(idx, layer.out_shape))
            a = self.val(f"{layer.name}.out", b, idx)
            y = self.val("target", b, (k,))
            asym, ysym = self.sym("out", layer.name, b, idx), self.sym("target", None, b, (k,))
            fs, ns = self.batch_factor()
            count = int(np.prod(layer.out_shape))
            sym, num = loss.grad_text(LossText(ysym, asym, y, a, count, self.n, self.p))
            return f"{fs}{sym}", f"{ns}{num}", ()
        readers = self.network.readers_of(layer.name)
        if len(readers) == 1:
            return self.route(readers[0], b, idx)
        return self.fan_in(layer, b, idx, readers)

    def route(self, reader: tuple[str, int], b: int, idx: tuple[int, ...]) -> tuple[str, str, tuple[str, ...]]:
        """(formula, substituted, notes) of what one reader sends back to its input
        number ``reader[1]``."""
        name, source = reader
        above = self.network.layer(name)
        at = self.network.index_of(name)
        own = above.input_grad_formula(self.st.cache(name), b, idx, _LayerWriter(self, at, above), source)
        if own is not None:  # a route that is no sum of products (batch norm's three terms)
            return own.formula, own.substituted, own.notes
        key = (at, "input_grad", b, idx, self.limit, source)
        terms = self.terms_of(key, lambda: above.input_grad_terms(self.st.cache(name), b, idx, self.limit, source))
        return self.written(at, above, terms, key)

    def fan_in(self, layer: Layer, b: int, idx: tuple[int, ...],
               readers: tuple[tuple[str, int], ...]) -> tuple[str, str, tuple[str, ...]]:
        """∂E/∂a of a layer read along several paths: the sum of the term each reader sends
        back, every term named by its reader, with its value (the engine's, from the stepper)."""
        values = self.shared.sent_terms(layer.name)
        syms, nums = [], []
        names = ", ".join(f"'{name}'" for name, _ in readers)
        notes = [tr("the output of '{layer}' is read along {n} paths ({names}): the "
                    "gradient arrives along each and the terms add up", layer=layer.name, n=len(readers), names=names)]
        for reader, value in zip(readers, values):
            sym, num, why = self.route(reader, b, idx)
            syms.append(f"({sym})" if _compound(sym) else sym)
            nums.append(f"({num})" if _compound(num) or num.startswith("−") else num)
            said = f" ({why[0]})" if why else ""
            notes.append(tr("from '{reader}': {formula} = {value}{why}", reader=reader[0], formula=sym,
                            value=self.n(float(value[(b, *idx)])), why=said))
        return " + ".join(syms), " + ".join(nums), tuple(notes)

    def delta(self, ref: QuantityRef, i: int, layer: Layer) -> Derivation:
        b, idx = self.split(ref)
        symbol = self.sym("delta", layer.name, b, idx)
        act = layer.activation
        assert act is not None
        last = i == len(self.network.layers) - 1
        a = self.val(f"{layer.name}.out", b, idx)
        asym = self.sym("out", layer.name, b, idx)
        fused = self.network.fused if last else None
        if fused is not None:  # the loss and the output activation together: δ in one step
            k = int(np.ravel_multi_index(idx, layer.out_shape))
            targets = self.st.batched("target")
            assert targets is not None
            text = LossText(self.sym("target", None, b, (k,)), asym, float(targets[b, k]), a, int(targets.shape[1]),
                            self.n, self.p, total=float(targets[b].sum()))
            formula, numbers, note = fused.delta_text(text)
            fs, ns = self.batch_factor()
            if fs and _top_level_sum(formula):
                formula, numbers = f"({formula})", f"({numbers})"
            return self.make(ref, symbol, f"{fs}{formula}", f"{ns}{numbers}", notes=(note,),
                             steps=fused.steps(text) if fused.steps is not None else ())
        gsym = self.sym("grad_out", layer.name, b, idx)
        notes: tuple[str, ...]
        if self.rounded:  # by hand, ∂E/∂a was rounded before it was used: write that number
            g_value = self.val(f"{layer.name}.grad_out", b, idx)
            g_formula, g_sub, notes = gsym, self.n(g_value), ()
        else:
            g_formula, g_sub, notes = self.grad_out_parts(i, layer, b, idx)
        if act.is_softmax:
            fs = f"{asym}·({gsym} − Σ_j a_j·∂{self.E}/∂a_j)"
            g = self.val(f"{layer.name}.grad_out", b, idx)
            outs = self.st.batched(f"{layer.name}.out")
            grads = self.st.batched(f"{layer.name}.grad_out")
            assert outs is not None and grads is not None
            s = float((outs[b] * grads[b]).sum())
            return self.make(ref, symbol, fs, f"{self.p(a)}·({self.p(g)} − {self.p(s)})",
                             notes=(tr("softmax couples its outputs: δ_i = Σ_j ∂E/∂a_j·∂a_j/∂z_i with the full "
                                       "Jacobian ∂a_j/∂z_i = a_j·([i = j] − a_i)"),))
        assert act.slope_text is not None
        dsym, dnum = act.slope_text(self.element(layer, b, idx))
        gf = f"({g_formula})" if _compound(g_formula) and not _grouped(g_formula) else g_formula
        gn = f"({g_sub})" if (_compound(g_sub) or g_sub.startswith("−")) and not _grouped(g_sub) else g_sub
        if dsym == "1":
            return self.make(ref, symbol, f"{gf}·1", f"{gn}·1", notes + (tr("linear activation: f′ = 1"),))
        return self.make(ref, symbol, f"{gf} · {dsym}", f"{gn} · {dnum}",
                         notes + (tr("f′ of {name}: {note}", name=act.name, note=act.note()),))

    def grad_weight(self, ref: QuantityRef, i: int, layer: Layer) -> Derivation:
        index = ref.index
        assert index is not None
        symbol = self.psym(ref.kind, layer.name, index)
        key = (i, ref.kind, index, self.limit)
        terms = self.terms_of(key, lambda: layer.param_grad_terms(ref.kind[5:], index, self.batch, self.limit))
        formula, substituted, notes = self.written(i, layer, terms, key)
        return self.make(ref, symbol, formula, substituted, notes=notes)

    grad_bias = grad_weight

    def new_weight(self, ref: QuantityRef, i: int, layer: Layer) -> Derivation:
        """The optimizer's derivation: its last sub-step here, the ones before it as notes."""
        assert ref.index is not None
        param = ref.kind[4:]
        symbol = self.psym(ref.kind, layer.name, ref.index)
        old_sym = self.psym(param, layer.name, ref.index)
        old = self.param(layer.name, param, ref.index)
        if param in layer.frozen:
            return self.make(ref, symbol, old_sym, self.n(old),
                             notes=(tr("{param} is frozen: never updated", param=param_word(param)),),
                             title=tr("{param} after the {optimizer} update of {layer}", param=param_word(param),
                                      optimizer=self.optimizer.title, layer=layer.name))
        steps = self.optimizer.derive(self.update_context(i, layer, param, ref.index))
        return self._from_steps(ref, steps, "new", tr("{param} after the {optimizer} update of {layer}",
                                param=param_word(param), optimizer=self.optimizer.title, layer=layer.name))

    def optimizer_state(self, ref: QuantityRef, i: int, layer: Layer) -> Derivation:
        """A state buffer after the update (``fc.momentum_buffer_weight[0,1]``): its own sub-step."""
        assert ref.index is not None
        kind, _, param = ref.kind.rpartition("_")
        steps = self.optimizer.derive(self.update_context(i, layer, param, ref.index))
        steps = steps[:[s.kind for s in steps].index(kind) + 1]
        # the sub-steps it needs: g and the like, and other state only where its formula reads it
        own = self.optimizer.state_kinds
        steps = [s for s in steps[:-1] if s.kind not in own or s.symbol in steps[-1].formula] + steps[-1:]
        title = tr("{state} of {param} after the update, of {layer}", state=tr(self.optimizer.state_titles[kind]),
                   param=param_word(param), layer=ref.layer)
        return self._from_steps(ref, steps, kind, title)

    def start_state(self, ref: QuantityRef, layer: Layer) -> Derivation:
        """A state buffer before the update (``fc.prev_exp_avg_weight[0,1]``): where it comes from."""
        assert ref.index is not None
        kind, _, param = ref.kind[len(PREVIOUS):].rpartition("_")
        rule = self.optimizer
        symbol = f"{rule.state_symbols[kind]}({self.psym(param, layer.name, ref.index)})"
        key = f"{layer.name}.{kind}_{param}"
        optim = self.st.optimizer_state
        update = optim.step + 1
        edited = self.st.state.edits.get(str(ref))
        if edited is not None:
            source = tr("edited by you (it was {before})", before=self.n(edited))
        elif key not in optim.buffers:
            source = tr("not given: it starts at 0, as in torch")
        elif self.st.iteration == 1 and key in self.st.scenario.optimizer_state.buffers:
            source = tr("as given in the scenario")
        else:
            source = tr("left by update {update} (the previous iteration's)", update=update - 1)
        title = tr("{state} of {param} before update {update}, of {layer}", state=tr(rule.state_titles[kind]),
                   param=param_word(param), update=update, layer=layer.name)
        return self.make(ref, symbol, self.n(self.stored(ref)), "", notes=(source,), title=title)

    def _from_steps(self, ref: QuantityRef, steps: list[UpdateStep], kind: str,
                    title: str | None = None) -> Derivation:
        last = steps[-1]
        assert last.kind == kind
        earlier_steps = [Derivation(s.kind, s.kind, s.symbol, s.formula, s.substituted, s.value, self.d,
                                    sig=self.result_sig) for s in steps[:-1]]
        self.written_steps += [(e.substituted, e.value_text) for e in earlier_steps]
        earlier = tuple(e.one_line() + (f"   ({s.note})" if s.note else "") for e, s in zip(earlier_steps, steps))
        return self.make(ref, last.symbol, last.formula, last.substituted,
                         notes=earlier + ((last.note,) if last.note else ()), title=title)

    def _hand_rounding(self) -> Callable[[np.ndarray, str], np.ndarray] | None:
        """What the update rule rounded its intermediates with (None: exact), so a derivation
        shows the very numbers the rule used."""
        decimals = self.st.hand_rounding
        return None if decimals is None else lambda arr, name: round_as_shown(arr, decimals)

    def update_context(self, i: int, layer: Layer, param: str, index: tuple[int, ...]) -> UpdateContext:
        """One parameter entry around its update, with its symbols, for the optimizer (what
        does not depend on the decimals worked out once per state)."""
        key = (i, param, index)
        held = self.shared.contexts.get(key)
        if held is None:
            held = self.shared.contexts[key] = self._update_parts(i, layer, param, index)
        context, factors = held
        numeric = self.p(context.grad) if factors is None else "·".join(self.p(f[1]) for f in factors)
        return context._replace(grad_term=Term(context.grad_term.symbol, numeric), num=self.n, factor=self.p)

    def _update_parts(self, i: int, layer: Layer, param: str,
                      index: tuple[int, ...]) -> tuple[UpdateContext, list[tuple[str, float]] | None]:
        """``update_context`` without its numbers' text, and the gradient's factors when the
        gradient is written in as one product (None: written as itself)."""
        name = layer.name
        grad = self.at(f"{name}.grad_{param}", index)
        grad_sym = self.psym(f"grad_{param}", name, index)
        factors: list[tuple[str, float]] | None = None
        term, word, note = Term(grad_sym, ""), param_word(param), ""
        if gradient_written_in(layer, self.batch) and not self.rounded:
            grad_terms = layer.param_grad_terms(param, index, 1, 1)
            factors = [self.operand(i, layer, f) for f in grad_terms.terms[0].factors]
            term = Term("·".join(f[0] for f in factors), "")
            word = param[0]
            note = (tr(", with ∂E/∂{word} = δ·(its input)", word=word) if param == "weight"
                    else tr(", with ∂E/∂{word} = δ", word=word))
        rule = self.optimizer
        before = self.st.optimizer_state.buffers
        values = self.st.state.values
        keys = {kind: f"{name}.{kind}_{param}" for kind in rule.state_kinds}
        context = UpdateContext(
            param=param, word=word, old=self.param(name, param, index), grad=grad,
            new=self.at(f"{name}.new_{param}", index),
            old_symbol=self.psym(param, name, index), new_symbol=self.psym(f"new_{param}", name, index),
            grad_term=term, grad_note=note,
            state_before={k: float(before[key][index]) for k, key in keys.items() if key in before},
            state_after={k: float(values[key][index]) for k, key in keys.items() if key in values},
            hyper=Hyper(self.st.scenario.learning_rate, self.st.optimizer_state.step + 1,
                        self.st.scenario.optimizer.options, self._hand_rounding()),
            num=self.n, factor=self.p,
            state_symbol=lambda kind, after: (f"{rule.state_symbols[kind]}{'′' if after else ''}"
                                              f"({self.psym(param, name, index)})"))
        return context, factors

    new_bias = new_weight


class _LayerWriter:
    """The Writer a layer writes its own formulas with (core/nn/layers/terms): the symbols
    and stored values of its operands, as explain writes them."""

    def __init__(self, explainer: _Explainer, i: int, layer: Layer) -> None:
        self._ex, self._i, self._layer = explainer, i, layer
        self.batch = explainer.batch
        self.limit = explainer.limit
        self.loss_symbol = explainer.E

    def sym(self, ref: Ref) -> str:
        return self._ex.operand(self._i, self._layer, ref)[0]

    def val(self, ref: Ref) -> float:
        return self._ex.operand(self._i, self._layer, ref)[1]

    def n(self, value: float) -> str:
        return self._ex.n(value)

    def p(self, value: float) -> str:
        return self._ex.p(value)

    def terms(self, terms: Terms) -> Formula:
        return Formula(*self._ex.written(self._i, self._layer, terms))

    def once(self, key: tuple[object, ...], make: Callable[[], T]) -> T:
        """``make()`` once per state, precision and terms shown; what writing its terms notes in
        the explainer (the longest sum, the sums' values as written) is noted again on every
        use, so a derivation reads the same whether its layer's part was made now or before."""
        ex = self._ex
        memo = ex.shared.layer_once
        full = (self._i, ex.extra, self.limit, *key)  # the numbers' digits and the terms shown
        held = memo.get(full)
        if held is None:
            if len(memo) > MAX_HELD or ex.shared.once_bytes > MAX_ONCE_BYTES:
                memo.clear()
                ex.shared.once_bytes = 0
            before, known = ex.longest, ex.known
            ex.longest, ex.known = 0, {}  # what make() itself notes (it reads neither)
            try:
                value = make()
                held = memo[full] = (value, ex.longest, ex.known)
                ex.shared.once_bytes += text_bytes(held)
            finally:
                ex.longest, ex.known = max(before, ex.longest), known | ex.known
        value, longest, noted = cast(tuple[T, int, dict[str, float]], held)
        ex.longest = max(ex.longest, longest)
        ex.known.update(noted)
        return value


def text_bytes(value: object, depth: int = 6) -> int:
    """About how many bytes ``value`` holds: its texts' sizes (in tuples, lists, dicts
    and dataclasses such as Formula, a few levels deep), 16 for any other thing; a bound
    on a cache's memory, not a measure."""
    if isinstance(value, str):  # (a text of δ, ·, − takes two bytes a character)
        return 50 + len(value) * (1 if value.isascii() else 2)
    if depth and isinstance(value, (tuple, list)):
        return 56 + sum(text_bytes(v, depth - 1) for v in value)
    if depth and isinstance(value, dict):
        return 64 + sum(text_bytes(k, depth - 1) + text_bytes(v, depth - 1) for k, v in value.items())
    fields = getattr(value, "__dataclass_fields__", None)
    if depth and fields is not None:
        return 56 + sum(text_bytes(getattr(value, f), depth - 1) for f in fields)
    return 16


def _grouped(expr: str) -> bool:
    """Is ``expr`` one parenthesised group, ``(a − y)`` (not ``(a)·(b)``)?"""
    if not (expr.startswith("(") and expr.endswith(")")):
        return False
    depth = 0
    for k, ch in enumerate(expr):
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth == 0 and k < len(expr) - 1:
            return False
    return True


def _compound(expr: str) -> bool:
    """Does ``expr`` need parentheses inside a product?"""
    return any(op in expr for op in (" + ", " − ", " / ", "·"))


def _top_level_sum(expr: str) -> bool:
    """Does ``expr`` add or subtract outside any parentheses (so a factor before it needs them)?"""
    depth = 0
    for i, ch in enumerate(expr):
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth == 0 and expr[i:i + 3] in (" + ", " − "):
            return True
    return False


# --- the explainer as a template: one element written with tokens for its operands ------
# (core/explain/array_lines fills the template for every element of an array at once)

SYMBOL_TOKEN = "\x01{}\x02"  # an operand's symbol
NUMBER_TOKEN = "{}.25e-3210"  # a number as a result is written (n); reads as a number, as the real one does
FACTOR_TOKEN = "{}.75e-3210"  # a number as a factor is written (p): a negative one in parentheses
VALUE_TOKEN = "\x03"  # the derivation's own value, as its result is shown


# kinds whose line the explainer writes from the index alone, the same at every iteration
# whatever the values (numbers aside, as tokens): a given number (``given``, ``weight``:
# ``symbol = number``, where it came from only in the notes) and the sums of a layer's terms,
# which the Layer interface builds from the index (``net_terms``, ``param_grad_terms``: no
# values, no cache). A template of one of them made at one iteration holds at every other
INDEX_ONLY_KINDS = frozenset({"input", "target", "weight", "bias", "net", "grad_weight", "grad_bias"})


class NotTemplated(Exception):
    """The element's line holds a number that is no stored operand (worked out, or a
    value-dependent constant): it cannot be a template for the other elements."""


class _Tagged(float):
    """A stored value that remembers where it was read: ``(array, index)``."""

    source: tuple[object, ...]
    index: tuple[int, ...]


def _tagged(value: float, source: tuple[object, ...], index: tuple[int, ...]) -> _Tagged:
    out = _Tagged(value)
    out.source, out.index = source, tuple(int(i) for i in index)
    return out


class Probe(_Explainer):
    """``explain`` of one element with every operand's symbol and every stored number it
    writes replaced by a token that says where it came from, so the very code that writes
    one value writes the template of its whole array. ``sign`` (+1 or −1) writes every
    number as if it had that sign, to see whether the line's shape depends on signs.

    ``slots[k]`` is ``("S", prefix, index)`` for a symbol (its text is ``prefix`` and the
    index written out) and ``("N" or "P", source, index)`` for a number read from an
    array. A number that was not read from an array, other than the scenario's settings
    (α and the like, the same for every element), raises NotTemplated."""

    def __init__(self, stepper: Stepper, decimals: int, sign: int = 0) -> None:
        super().__init__(stepper, decimals, shared=_Shared(stepper, decimals))
        self.sign = sign
        self.slots: list[tuple[object, ...]] = []
        self._ids: dict[tuple[object, ...], int] = {}

    def _slot(self, slot: tuple[object, ...]) -> int:
        found = self._ids.get(slot)
        if found is None:
            found = self._ids[slot] = len(self.slots)
            self.slots.append(slot)
        return found

    def _symbol(self, text: str, shown: tuple[int, ...]) -> str:
        suffix = format_index(shown) if shown else ""
        if not text.endswith(suffix):
            raise NotTemplated(text)
        return SYMBOL_TOKEN.format(self._slot(("S", text[:len(text) - len(suffix)], shown)))

    def sym(self, kind: str, layer: str | None, b: int, idx: tuple[int, ...]) -> str:
        shown = (b, *idx) if self.batch > 1 else idx
        return self._symbol(super().sym(kind, layer, b, idx), tuple(shown))

    def psym(self, kind: str, layer: str, idx: tuple[int, ...]) -> str:
        return self._symbol(super().psym(kind, layer, idx), tuple(idx))

    def val(self, key: str, b: int, idx: tuple[int, ...]) -> float:
        return _tagged(super().val(key, b, idx), ("batched", key), (b, *idx))

    def param(self, layer: str, kind: str, idx: tuple[int, ...]) -> float:
        return _tagged(super().param(layer, kind, idx), ("param", layer, kind), idx)

    def stored(self, ref: QuantityRef) -> float:
        return _tagged(super().stored(ref), ("array", ref.array_name), ref.index or ())

    def at(self, name: str, index: tuple[int, ...]) -> float:
        return _tagged(super().at(name, index), ("values", name), index)

    def _negative(self, v: float) -> bool:
        return v < 0 if not self.sign else self.sign < 0

    def written_number(self, v: float) -> tuple[str, float | None]:
        if isinstance(v, _Tagged):
            token = NUMBER_TOKEN.format(self._slot(("N", v.source, v.index)))
            return ("−" + token if self._negative(v) else token), None
        if v not in self.settings:
            raise NotTemplated(repr(v))
        return super().written_number(v)

    def prewrite(self, values: list[float]) -> None:
        return  # a probe writes tokens

    def factor(self, v: float) -> tuple[str, float | None]:
        if isinstance(v, _Tagged):
            token = FACTOR_TOKEN.format(self._slot(("P", v.source, v.index)))
            return (f"(−{token})" if self._negative(v) else token), None
        return super().factor(v)

    def template(self, ref: QuantityRef) -> tuple[str, str, bool]:
        """(the element's one line, its substituted numbers, whether the explainer checks
        that they reproduce), written with tokens; VALUE_TOKEN stands for its result."""
        derivation = self.build(ref)
        if len(self.written_steps) > 1 or self.longest > self.limit:
            raise NotTemplated(str(ref))  # earlier steps of their own (momentum): not one formula
        fields = {f: getattr(derivation, f) for f in derivation.__dataclass_fields__}
        line = _Tokened(**fields).one_line()
        return line, derivation.substituted, bool(self.written_steps)


class _Tokened(Derivation):
    """A Derivation whose result is written as VALUE_TOKEN."""

    @property
    def value_text(self) -> str:
        return VALUE_TOKEN
