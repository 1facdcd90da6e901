"""Every element's derivation line of one array at once, for the reports (``solve`` as
text, the Markdown and LaTeX exports): the same lines ``explain`` writes one by one.

The explainer itself writes the template: ``Probe`` runs the very code that explains
one element, with every operand's symbol and stored number written as a token that says
where it was read. The template is made on a few elements (the first, one step along
each axis, the last and a middle one, every number once as if negative and once as if
positive); the operands' indices must follow the element's index linearly and the line's
shape must not change, or the array is left to ``explain``. Then the template is filled
for every element with NumPy: the operands gathered, every number written by
``fmt_array`` (the same text as ``fmt``), and the reproduce check done on whole arrays
(the written numbers evaluated as the calculator of core/explain/arithmetic reads them,
the same operations in the same order). An element whose formula does not reproduce with
the display's decimals (or holds a number that is not finite) is left to ``explain``
(``None`` in the list), whose reproduce loop writes it with more digits.

Only kinds whose line has one shape for every element are made so (``templated``):
given values, the updates, and the sums of a layer whose terms are the same products for
every element (a dense layer's net and gradients). Anything else is explained value by
value, as the derivation panel does.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from itertools import product, repeat
from math import prod
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

import numpy as np

from core.engine.quantities import KINDS, QuantityRef, parse_name
from core.explain.arithmetic import _TOKEN, NotSameShape, Slot, array_value, plain_value, reproduces, shown_places
from core.explain.derivation import value_texts_read
from core.explain.explainer import EXTRA_DIGITS, INDEX_ONLY_KINDS, VALUE_TOKEN, NotTemplated, Probe, _same_numbers
from core.numbers import REMEMBERED

if TYPE_CHECKING:
    from core.engine.stepper import Stepper

MIN_ELEMENTS = 8  # smaller arrays are explained value by value (making the template costs ~6 of them)
MAX_ELEMENTS = 1 << 20  # a larger array is explained value by value
# an array's lines are made and handed on in chunks in reading order, so a report holds one
# chunk at a time: at most CHUNK lines, and at most CELLS numbers of their formulas (a sum of
# 4,096 terms, some 80 kB of text a line, comes 128 lines at a time)
CHUNK = 1 << 16
CELLS = 1 << 19
# a template pays when it fills at least this many elements per probe made (a probe costs
# less than explaining an element: it has no reproduce loop)
PROBES_PER_ELEMENT = 2
# the tokens of a probe that writes every number as negative: a factor "(−P)", a result "−N"
# (a lone factor's parentheses dropped: "−P", written as a result); as positive, all bare
_NEGATIVE = re.compile(r"\x01(\d+)\x02|\(−(\d+)\.75e-3210\)|(−?)(\d+)\.(25|75)e-3210|\x03")
_POSITIVE = re.compile(r"\x01(\d+)\x02|(\d+)\.(25|75)e-3210|\x03")

Part = str | tuple[str, int]  # literal text, or (style, slot): "S" symbol, "N"/"P" number, "V" the result


def templated(stepper: Stepper, name: str) -> bool:
    """Is array ``name``'s line the same for every element but for its operands (so a
    template of it holds)? Given values and state, the updates, and a layer's net and
    gradients when they are the same products for every element (a dense layer)."""
    ref = parse_name(name)
    if ref.layer is None:
        return ref.kind in ("input", "target")
    network = stepper.network
    layer = network.layer(ref.layer)
    if ref.kind in network.state_kinds_of(layer):
        return False  # its earlier steps are notes, worked out from the state
    if ref.kind in ("weight", "bias") or ref.kind in network.start_state_kinds_of(layer):
        return True
    if ref.kind in layer.own_kinds():
        return KINDS[ref.kind].stage == "given"
    if ref.kind in ("new_weight", "new_bias"):
        return True
    if ref.kind in ("net", "grad_weight", "grad_bias"):  # terms of the index alone (net_terms, param_grad_terms)
        return True
    act = layer.activation
    if ref.kind == "out":  # an activation's value: the same formula of z everywhere
        return layer.has_net and act is not None and act.value_text is not None
    readers = network.readers_of(layer.name)
    sent_by_dense = len(readers) == 1 and network.layer(readers[0][0]).gradient_is_one_product
    if ref.kind == "grad_out":  # what one dense reader sends back: Σ δ·w, the same products everywhere
        return sent_by_dense
    if ref.kind == "delta":  # ∂E/∂a·f′(z), f′ written the same way for every z (not a kink's 1 or 0)
        return sent_by_dense and act is not None and act.slope_text is not None and not act.kinked
    return False


class _Template:
    """One element's line as parts, and its slots with their indices at that element."""

    def __init__(self, probe: Probe, ref: QuantityRef) -> None:
        line, substituted, self.checked = probe.template(ref)
        self.parts = _parts(line, probe.sign)
        self.numbers = _parts(substituted, probe.sign) if self.checked else []
        self.slots = probe.slots

    def shape(self) -> tuple[object, ...]:
        """What must agree between elements: the parts, the slots without their indices."""
        return (tuple(self.parts), tuple(self.numbers), tuple(s[:2] for s in self.slots))

    def same(self, other: _Template) -> bool:
        """The same line at the same element: parts, checked numbers and slots with their indices."""
        return (self.parts, self.numbers, self.checked, self.slots) == (other.parts, other.numbers, other.checked,
                                                                        other.slots)


def _parts(text: str, sign: int) -> list[Part]:
    """A probe's line (its numbers written with ``sign``) as literal text and slots."""
    out: list[Part] = []
    at = 0
    for m in (_NEGATIVE if sign < 0 else _POSITIVE).finditer(text):
        if m.start() > at:
            out.append(text[at:m.start()])
        at = m.end()
        if m.group(1) is not None:
            out.append(("S", int(m.group(1))))
        elif m.group(0) == VALUE_TOKEN:
            out.append(("V", -1))
        elif sign > 0:
            out.append(("P" if m.group(3) == "75" else "N", int(m.group(2))))
        elif m.group(2) is not None:
            out.append(("P", int(m.group(2))))
        else:  # "−N", or "−P": a lone factor written as a result is
            out.append(("N", int(m.group(4))))
    if at < len(text):
        out.append(text[at:])
    return out


def array_lines(stepper: Stepper, name: str, decimals: int) -> list[str | None] | None:
    """Every element's ``one_line()`` of array ``name`` in reading order (None: this one
    is for ``explain``), or None when the array is not made from a template: the chunks
    of ``array_chunks`` joined."""
    chunks = array_chunks(stepper, name, decimals)
    return None if chunks is None else [line for chunk in chunks for line in chunk]


def array_chunks(stepper: Stepper, name: str, decimals: int) -> Iterator[list[str | None]] | None:
    """``array_lines`` in chunks of consecutive elements (``CHUNK``, ``CELLS``), each made
    when it is read, or None when the array is not made from a template (that is known
    before the first chunk is made)."""
    arr = stepper.array(name)
    shape = () if arr is None else tuple(np.shape(arr))
    if not shape or not MIN_ELEMENTS <= prod(shape) <= MAX_ELEMENTS or not templated(stepper, name):
        return None
    array = parse_name(name)

    def probe(index: tuple[int, ...], sign: int = -1) -> _Template:
        return _Template(Probe(stepper, decimals, sign), QuantityRef(array.layer, array.kind, index))

    try:
        plan = _planned(stepper, name, shape, probe, decimals)
    except NotTemplated:
        return None
    except Exception:  # whatever else the probe trips on: explain writes those values (and says what is wrong)
        return None
    return _chunks(stepper, name, shape, plan, decimals)


Plan = list[tuple[tuple[int, ...], _Template, list[tuple[np.ndarray, np.ndarray]], tuple[int, ...]]]
# every stepper's plans of its arrays, (name, shape, decimals, rounding) → (the first element's template,
# the plan):
# an array's line has the same shape at every iteration, so a later one probes only its first element
_PLANS: WeakKeyDictionary[Stepper, dict[tuple[str, tuple[int, ...], int, int | None], tuple[_Template, Plan]]] = \
    WeakKeyDictionary()


def _planned(stepper: Stepper, name: str, shape: tuple[int, ...], probe: Callable[..., _Template],
             decimals: int) -> Plan:
    """How to fill the array (``_plan``). The plan of an earlier iteration is taken again
    when the first element's template (its text and slots, every number written as if
    negative, as the plan was checked then) is the same, or without a probe for a kind
    whose line is written from the index alone (``INDEX_ONLY_KINDS``: a layer's sums and
    the given numbers, where the probe of a long sum costs most)."""
    start = (0,) * len(shape)
    plans = _PLANS.setdefault(stepper, {})
    key = (name, shape, decimals, stepper.hand_rounding)
    held = plans.get(key)
    if held is not None and parse_name(name).kind in INDEX_ONLY_KINDS:
        return held[1]
    first = probe(start) if held is not None else None
    if held is not None and first is not None and held[0].same(first):
        return held[1]
    base = _signed(probe, start)
    plan = _plan(name, shape, probe, base)
    plans[key] = (base, plan)
    return plan


def _chunks(stepper: Stepper, name: str, shape: tuple[int, ...], plan: Plan,
            decimals: int) -> Iterator[list[str | None]]:
    """The lines of every element, chunk by chunk in reading order; in each, every slice
    of the plan (``_plan``) that has elements there fills them. A chunk whose filling trips
    on something leaves the rest of its lines to ``explain`` (which writes the same lines)."""
    total = prod(shape)
    slots = max((len(here.slots) for _, here, _, _ in plan), default=1)
    size = max(1, min(CHUNK, CELLS // max(1, slots)))
    spans = [(_ravel(corner, box, shape, 0), _ravel(corner, box, shape, prod(box) - 1)) for corner, _, _, box in plan]
    for at in range(0, total, size):
        end = min(total, at + size)
        lines = np.full(end - at, None, dtype=object)
        try:
            for (corner, here, maps, box), (first, last) in zip(plan, spans):
                if last < at or first >= end:
                    continue
                count = prod(box)
                lo = 0 if first >= at else _position(corner, box, shape, at)
                hi = count if last < end else _position(corner, box, shape, end)
                if lo >= hi:
                    continue
                indexed = _indexed(here, corner, box, shape, lo, hi)
                made = _fill(stepper, name, here, maps, indexed.elements, corner, decimals, lo == 0 and hi == count,
                             indexed.flats)
                lines[indexed.targets - at] = made
        except Exception:  # noqa: S110  (the lines not made are explained one by one, as they would be)
            pass
        out: list[str | None] = lines.tolist()
        yield out


def _ravel(corner: tuple[int, ...], box: tuple[int, ...], shape: tuple[int, ...], position: int) -> int:
    """The reading-order index in the array of a slice's element ``position`` (in the
    slice's own reading order, the slice being ``box`` from ``corner``)."""
    digits = []
    for extent in reversed(box):
        position, digit = divmod(position, extent)
        digits.append(digit)
    flat = 0
    for origin, digit, extent in zip(corner, reversed(digits), shape):
        flat = flat * extent + origin + digit
    return flat


def _position(corner: tuple[int, ...], box: tuple[int, ...], shape: tuple[int, ...], flat: int) -> int:
    """The first of a slice's elements whose index in the array is ``flat`` or later
    (a slice's elements come in reading order: a bisection)."""
    lo, hi = 0, prod(box)
    while lo < hi:
        mid = (lo + hi) // 2
        if _ravel(corner, box, shape, mid) < flat:
            lo = mid + 1
        else:
            hi = mid
    return lo


def _plan(name: str, shape: tuple[int, ...], probe: Callable[..., _Template], base: _Template) -> Plan:
    """How to fill an array: along the axes one step of which keeps the line's shape (a
    conv's filters and samples), one template fills a slice; the other axes (a kernel
    position next to the padding writes fewer terms) are taken one index at a time, each
    with a template of its own. Per slice: (its first element, its template, the slots'
    index maps, its extent along every axis from there); a slice whose line changes shape is left out (its elements
    are explained one by one). Raises NotTemplated when that would take about as many
    probes as there are elements."""
    rank = len(shape)
    start = (0,) * rank
    along, across, first_steps = [], [], []
    for axis, size in enumerate(shape):
        if size > 1:
            stepped = probe(_step(start, axis))
            if stepped.shape() == base.shape():
                along.append(axis)
                first_steps.append((axis, stepped))
            else:
                across.append(axis)
    slices = list(product(*(range(shape[a]) for a in across)))
    if PROBES_PER_ELEMENT * len(slices) * (len(along) + 4) > prod(shape):
        raise NotTemplated(name)  # about as many probes as elements: explain them one by one
    plan: Plan = []
    for combo in slices:
        origin = list(start)
        for axis, at in zip(across, combo):
            origin[axis] = at
        corner = tuple(origin)
        if corner == start:
            here, steps = base, first_steps
        else:
            here = _signed(probe, corner)
            steps = [(axis, probe(_step(corner, axis))) for axis in along]
            if any(t.shape() != here.shape() for _, t in steps):
                continue  # this slice's elements are explained one by one
        maps = _linear(here, steps, rank)
        box = tuple(shape[a] if a in along else 1 for a in range(rank))  # the slice: box from corner
        count = prod(box)
        last, middle = (tuple(int(i) + o for i, o in zip(np.unravel_index(p, box), corner))
                        for p in (count - 1, count // 2))
        if any(o.shape() != here.shape() or not _follows(o, maps, index, corner)
               for index in {last, middle} - {corner} for o in [probe(index)]):
            continue
        plan.append((corner, here, maps, box))
    return plan


def _step(index: tuple[int, ...], axis: int) -> tuple[int, ...]:
    return tuple(i + (a == axis) for a, i in enumerate(index))


def _signed(probe: Callable[..., _Template], index: tuple[int, ...]) -> _Template:
    """The template at ``index``, written with every number as if negative (a factor in
    parentheses, a lone one not), checked against the same line written as positive."""
    base = probe(index, -1)
    positive = [("P", p[1]) if isinstance(p, tuple) and p[0] == "N" and base.slots[p[1]][0] == "P" else p
                for p in base.parts]
    if probe(index, 1).parts != positive:
        raise NotTemplated(str(index))  # the line's shape depends on the signs of its numbers
    return base


def _linear(base: _Template, steps: list[tuple[int, _Template]], rank: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """For every slot, (its index at the template's element, how it moves with each axis)."""
    maps = []
    for k, slot in enumerate(base.slots):
        start = np.array(slot[2], dtype=np.int64)
        moves = np.zeros((len(start), rank), dtype=np.int64)
        for axis, stepped in steps:
            moved = np.array(stepped.slots[k][2], dtype=np.int64)
            if moved.shape != start.shape:
                raise NotTemplated(str(slot))
            moves[:, axis] = moved - start
        maps.append((start, moves))
    return maps


def _follows(template: _Template, maps: list[tuple[np.ndarray, np.ndarray]], index: tuple[int, ...],
             origin: tuple[int, ...]) -> bool:
    at = np.array(index, dtype=np.int64) - np.array(origin, dtype=np.int64)
    return all(np.array_equal(np.array(slot[2], dtype=np.int64), start + moves @ at)
               for slot, (start, moves) in zip(template.slots, maps))


def _source(stepper: Stepper, source: tuple[object, ...]) -> np.ndarray:
    """The stored array a slot's number was read from (as the explainer reads it)."""
    what = source[0]
    if what == "batched":
        found = stepper.batched(str(source[1]))
    elif what == "param":
        found = stepper.params[str(source[1])][str(source[2])]
    elif what == "array":
        found = stepper.array(str(source[1]))
    else:
        found = stepper.values_array(str(source[1]))
    assert found is not None
    return np.asarray(found)


class _Indexed:
    """Where a slice's elements ``lo`` to ``hi`` (in its reading order) lie: their indices
    (rank × count), their flat indices in the array, and per stored array its number
    slots read (its shape, the slots' flat indices in it: slots × count). The same at
    every iteration of a plan, so worked out once."""

    __slots__ = ("elements", "targets", "flats", "__weakref__")

    def __init__(self, elements: np.ndarray, targets: np.ndarray) -> None:
        self.elements = elements
        self.targets = targets
        self.flats: dict[object, tuple[tuple[int, ...], np.ndarray]] = {}


# a plan's template → its slices' indices by (lo, hi), within INDEXED_HELD indices in all (then made again)
_INDEXED: WeakKeyDictionary[_Template, dict[tuple[int, int], _Indexed]] = WeakKeyDictionary()
INDEXED_HELD = 1 << 19
_indexed_held = [0]


def _indexed(base: _Template, corner: tuple[int, ...], box: tuple[int, ...], shape: tuple[int, ...], lo: int,
             hi: int) -> _Indexed:
    """The indices of a slice's elements ``lo`` to ``hi`` (``_Indexed``), those of an
    earlier iteration where held."""
    held = _INDEXED.get(base, {}).get((lo, hi))
    if held is not None:
        return held
    positions = np.arange(lo, hi, dtype=np.int64)
    elements = np.array(np.unravel_index(positions, box), dtype=np.int64).reshape(len(shape), -1) \
        + np.array(corner, dtype=np.int64)[:, None]
    made = _Indexed(elements, np.ravel_multi_index(tuple(elements), shape))
    size = elements.size + made.targets.size  # (the flats are counted as they are added)
    if size > INDEXED_HELD:
        return made  # (never held: it would push out all the others)
    if _indexed_held[0] + size > INDEXED_HELD:
        _INDEXED.clear()
        _indexed_held[0] = 0
    _INDEXED.setdefault(base, {})[(lo, hi)] = made
    _indexed_held[0] += size
    return made


def _fill(stepper: Stepper, name: str, base: _Template, maps: list[tuple[np.ndarray, np.ndarray]],
          elements: np.ndarray, origin: tuple[int, ...], decimals: int, whole: bool = True,
          flats_held: dict[object, tuple[tuple[int, ...], np.ndarray]] | None = None) -> np.ndarray:
    """Every element's line from the template (an array of str, None: left to explain):
    the reproduce loop of ``explain`` done on arrays (the numbers with the display's
    decimals, then one more, … for the elements whose formula does not reproduce yet,
    until the numbers are written exactly). Each distinct number of a slot is written
    once (an operand many elements share). The number slots are the rows of matrices
    (values, texts, read-backs), so a long sum costs a few operations a round, not a few
    per term. ``flats_held``: each stored array's slots' flat indices in it, worked out at
    an earlier iteration (``_Indexed``), and kept there for the next."""
    count = elements.shape[1]  # elements: (rank, count), the template's at ``origin``
    offsets = elements - np.array(origin, dtype=np.int64)[:, None]
    symbols: dict[int, np.ndarray | str] = {}
    layout = _LAYOUTS.get(base) if whole else None  # (a part of a slice joins its own symbols)
    row_of: dict[int, int] = {}  # number slot → its row (in the slots' order)
    by_source: dict[object, list[int]] = {}  # a stored array read → the number slots reading it
    for k, slot in enumerate(base.slots):
        if slot[0] == "S":
            if layout is None:
                start, moves = maps[k]
                symbols[k] = _symbols(str(slot[1]), start, moves, start[:, None] + moves @ offsets)
            continue
        row_of[k] = len(row_of)
        by_source.setdefault(slot[1], []).append(k)
    numbers = np.empty((len(row_of), count))  # (number slots, elements)
    # the stored array read → its rows: a large one (its numbers looked up among those written
    # lately) or one no larger than the elements (written whole: no sort of the slots' numbers);
    # None: the others (a number, a small array read by few elements)
    groups: dict[object, list[int]] = {}
    sources: dict[object, np.ndarray] = {}  # each such stored array, flat
    flats: list[np.ndarray | None] = [None] * len(row_of)  # each row's flat indices in its stored array
    for what, ks in by_source.items():  # every slot of one stored array gathered at once
        source = _source(stepper, what)  # type: ignore[arg-type]
        rows = [row_of[k] for k in ks]
        rank = len(maps[ks[0]][0])
        if not rank:  # a number (a scalar array): the same for every element
            numbers[rows] = float(source)
            groups.setdefault(None, []).extend(rows)
            continue
        known = None if flats_held is None else flats_held.get(what)
        if known is not None and known[0] == source.shape:
            flat = known[1]
        else:
            starts = np.array([maps[k][0] for k in ks], dtype=np.int64)  # (slots, rank of the source)
            moves = np.array([maps[k][1] for k in ks], dtype=np.int64)  # (slots, rank of the source, rank)
            index = (starts[:, :, None] + moves @ offsets).transpose(1, 0, 2).reshape(rank, -1)
            flat = np.ravel_multi_index(tuple(index), source.shape).reshape(len(ks), count)
            if flats_held is not None and _indexed_held[0] + flat.size <= INDEXED_HELD:
                flats_held[what] = (source.shape, flat)
                _indexed_held[0] += flat.size
        numbers[rows] = source.ravel()[flat]
        whole_source = source.size >= REMEMBERED or source.size <= count
        groups.setdefault(what if whole_source else None, []).extend(rows)
        if whole_source:
            sources[what] = source.ravel()
            for row, at in zip(rows, flat):
                flats[row] = at
    finite = np.isfinite(numbers)
    bad = ~finite.all(axis=0)  # left to explain: a number that is not finite
    numbers[~finite] = 0.0
    own = np.asarray(np.asarray(stepper.array(name))[tuple(elements)], dtype=np.float64)  # as make() reads them
    bad |= ~np.isfinite(own)
    writer = Probe(stepper, decimals)  # the explainer's rules for writing numbers
    results: list[str] = []
    assert writer.d is not None
    if base.checked or ("V", -1) in base.parts:  # (a given value's line is its number alone)
        results, shown, places = value_texts_read(np.where(bad, 0.0, own), writer.d, writer.result_sig)
    if base.checked:
        for i in np.flatnonzero(places < 0).tolist():  # the texts fmt wrote itself: read them
            shown[i] = float(results[i].replace("−", "-")) if not bad[i] else 0.0
            places[i] = _places(results[i])
        half = 0.5 * 10.0 ** -places.astype(np.float64)
    result_column = np.array(results, dtype=object)
    lines = np.full(count, None, dtype=object)
    checked = sorted({p[1] for p in base.numbers if isinstance(p, tuple)})
    checked_rows = np.array([row_of[k] for k in checked], dtype=np.int64)
    factored = {row_of[k] for k, slot in enumerate(base.slots) if slot[0] == "P"}
    row_groups = [_Group(np.array(rows, dtype=np.int64), sources.get(what), flats, factored)
                  for what, rows in groups.items()]
    todo = np.flatnonzero(~bad)
    for extra in range(EXTRA_DIGITS + 1):
        if not todo.size:
            break
        writer.extra = extra
        texts, backs, factors = _written(writer, numbers, todo, base.checked, row_groups)
        if base.checked:
            done = _reproduced(_reading_of(base), base.numbers, _Rows(texts, row_of), _Rows(factors, row_of),
                               _Rows(backs, row_of), result_column[todo], shown[todo], half[todo])
        else:
            done = np.ones(todo.size, dtype=bool)
        picked = np.flatnonzero(done)
        at_array = todo[picked]
        if layout is None:
            layout = _layout(base, symbols, count, row_of)
            if whole:
                _hold(base, layout, count)
        lines[at_array] = _assembled(layout, texts, factors, picked, result_column[at_array] if results else None,
                                     at_array)
        left = np.flatnonzero(~done)
        if not left.size or extra == EXTRA_DIGITS:
            break
        # explain stops when more digits would write the same numbers: only numbers written
        # within 1e-13 of their value can be (the finest writing is that close), so only those are compared
        value = numbers[checked_rows][:, todo[left]]
        close = (np.abs(backs[checked_rows][:, left] - value) <= 1e-13 * np.maximum(1.0, np.abs(value))).all(axis=0)
        stop = np.zeros(left.size, dtype=bool)
        if close.any():
            near = left[close]
            writer.extra = EXTRA_DIGITS
            finest, _, _ = _written(writer, numbers, todo[near], False, row_groups)
            stop[np.flatnonzero(close)] = [all(_same_numbers(texts[r, j], finest[r, n]) for r in checked_rows.tolist())
                                           for n, j in enumerate(near.tolist())]
        todo = todo[left[~stop]]
    return lines


# a slice's template → its line as pieces (``_layout``): the literal text and the
# symbols are the same at every iteration, so they are joined once
Layout = tuple[Callable[[list[list[str]]], list[str]], list[tuple[str, int | np.ndarray]]]
_LAYOUTS: WeakKeyDictionary[_Template, Layout] = WeakKeyDictionary()
LAYOUTS_HELD = 1 << 18  # the elements whose joined symbols are held at most (then the layouts are made again)
_layouts_held = [0]


def _hold(base: _Template, layout: Layout, count: int) -> None:
    """Keep a slice's layout for the next iteration, within ``LAYOUTS_HELD`` elements."""
    if _layouts_held[0] + count > LAYOUTS_HELD:
        _LAYOUTS.clear()
        _layouts_held[0] = 0
    _LAYOUTS[base] = layout
    _layouts_held[0] += count


def _layout(base: _Template, symbols: dict[int, np.ndarray | str], count: int, row_of: dict[int, int]) -> Layout:
    """The template's line as a function that joins its columns, and the columns it takes
    in order: ("R", every element's run of literal text and symbols joined), ("N"/"P",
    row) a number as written or as a factor, ("V", -1) the result; a run that is the
    same for every element is part of the function itself."""
    texts: list[str | int] = []  # a literal text, or the place of a column
    columns: list[tuple[str, int | np.ndarray]] = []
    run: list[str | np.ndarray] = []

    def close() -> None:
        if all(isinstance(r, str) for r in run):
            texts.append("".join(run))  # type: ignore[arg-type]
        else:
            joined = ["".join(row) for row in zip(*(repeat(r, count) if isinstance(r, str) else r.tolist()
                                                    for r in run))]
            texts.append(len(columns))
            columns.append(("R", np.array(joined, dtype=object)))
        run.clear()

    for part in base.parts:
        if isinstance(part, str):
            run.append(part)
        elif part[0] == "S":
            run.append(symbols[part[1]])
        else:
            if run:
                close()
            texts.append(len(columns))
            columns.append((part[0], -1 if part[0] == "V" else row_of[part[1]]))
    if run:
        close()
    return _joiner(texts), columns


def _joiner(texts: list[str | int]) -> Callable[[list[list[str]]], list[str]]:
    """A function of the columns (lists of str) that writes every line: one f-string whose
    parts are the columns and the literal texts, made once per template (a line is then
    one string operation, however many terms it has)."""
    literals = [t for t in texts if isinstance(t, str)]
    places = sorted({t for t in texts if isinstance(t, int)})
    if not places:
        line = "".join(literals)
        return lambda columns: [line]
    names = {place: f"c{place}" for place in places}
    fields = []
    k = 0
    for t in texts:
        if isinstance(t, str):
            fields.append(f"{{k{k}}}")
            k += 1
        else:
            fields.append(f"{{{names[t]}}}")
    unpacked = ", ".join(names[p] for p in places) + ("," if len(places) == 1 else "")
    source = ("def join(columns, literals):\n"
              + (f"    {', '.join(f'k{i}' for i in range(k))}, = literals\n" if k else "")
              + f"    return [f\"{''.join(fields)}\" for {unpacked} in zip(*columns)]\n")
    scope: dict[str, object] = {}
    exec(compile(source, "<array line>", "exec"), scope)  # noqa: S102  (made here, of names and places only)
    join = scope["join"]
    return lambda columns: join(columns, literals)  # type: ignore[operator]


def _assembled(layout: Layout, texts: np.ndarray, factors: np.ndarray, picked: np.ndarray,
               results: np.ndarray | None, at: np.ndarray) -> np.ndarray:
    """The lines of the elements ``picked`` (of the round's, ``at`` of the slice's)."""
    join, pieces = layout
    # the numbers' columns taken from the matrices at once (a long sum has hundreds)
    taken = {kind: iter(_cells(matrix, np.array([what for k, what in pieces if k == kind], dtype=np.int64), picked))
             for kind, matrix in (("N", texts), ("P", factors)) if any(k == kind for k, _ in pieces)}
    columns: list[list[str]] = []
    for kind, what in pieces:
        if kind == "R":
            columns.append(what[at].tolist())  # type: ignore[index]
        elif kind == "V":
            assert results is not None
            columns.append(results.tolist())
        else:
            columns.append(next(taken[kind]))
    lines = join(columns) if columns else join([])[:1] * picked.size  # (no column: the same line for all)
    return np.array(lines, dtype=object)


def _cells(matrix: np.ndarray, rows: np.ndarray, columns: np.ndarray) -> list[list[str]]:
    """``matrix[rows][:, columns].tolist()`` (``columns`` ascending, distinct), copying no more
    than it must: all of a matrix's rows in order, or all its columns, are taken as they are."""
    every_row = rows.size == matrix.shape[0] and bool((rows == np.arange(rows.size)).all())
    every_column = columns.size == matrix.shape[1]
    if every_row:
        taken = matrix if every_column else matrix[:, columns]
    else:
        taken = matrix[rows] if every_column else matrix[np.ix_(rows, columns)]
    cells: list[list[str]] = taken.tolist()
    return cells


class _Group:
    """Number slots read from one stored array (``source``, flat; None: the slots of no
    group together): their rows, each row's flat indices in the source, and which rows
    are written as factors (only those need a factor's text)."""

    def __init__(self, rows: np.ndarray, source: np.ndarray | None, flats: list[np.ndarray | None],
                 factored: set[int]) -> None:
        self.rows = rows
        found = [flats[r] for r in rows.tolist()]
        self.source = source
        self.flat = np.array(found, dtype=np.int64) if source is not None and all(
            f is not None for f in found) else None  # (rows, elements)
        self.factored = np.array([r in factored for r in rows.tolist()], dtype=bool)


def _written(writer: Probe, numbers: np.ndarray, at: np.ndarray, read: bool,
             groups: list[_Group]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The texts of every number slot of the elements ``at`` (the rows of ``numbers``:
    slots × elements) with the writer's decimals, the same as a factor (a negative one in
    parentheses; for the rows written as factors), and (``read``) the value a calculator
    reads back from each: matrices of slots × ``at`` (texts of str). A stored array whose
    slots read as many numbers as it holds is written whole (a large one in a call of its
    own: its texts written for another formula are taken again,
    ``fmt_array_read_remembered``); of the other groups, every distinct number once. The
    texts of a number depend on that number alone, so the numbers of several are written
    in one call, below ``REMEMBERED`` numbers (a round of few elements costs one call, not
    one per stored array; the arrays looked up among those written lately are the same)."""
    shape = (numbers.shape[0], at.size)
    texts = np.empty(shape, dtype=object)
    factors = np.empty(shape, dtype=object)
    backs = np.empty(shape) if read else np.empty((0, 0))
    # (rows, which are factors, the numbers written, which of them each slot's element reads)
    pieces: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
    rest: list[_Group] = []
    for group in groups:
        if group.flat is not None and group.source is not None and group.rows.size * at.size >= group.source.size:
            pieces.append((group.rows, group.factored, group.source, group.flat[:, at]))
        else:
            rest.append(group)
    if rest:
        rows = np.concatenate([group.rows for group in rest])
        distinct, which = np.unique(numbers[rows][:, at], return_inverse=True)
        pieces.append((rows, np.concatenate([group.factored for group in rest]), distinct,
                       which.reshape(rows.size, at.size)))
    calls: list[list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]] = []
    size = REMEMBERED
    for piece in sorted(pieces, key=lambda piece: piece[2].size):  # small ones together, below REMEMBERED
        if size + piece[2].size >= REMEMBERED:
            calls.append([])
            size = 0
        calls[-1].append(piece)
        size += piece[2].size
    for call in calls:
        values = call[0][2] if len(call) == 1 else np.concatenate([piece[2] for piece in call])
        written, back = writer.written_numbers_read(values)
        column = np.array(written, dtype=object)
        if read:
            for i in np.flatnonzero(np.isnan(back)).tolist():  # the texts fmt wrote itself: read them
                back[i] = _read(written[i])
        factor = None
        offset = 0
        for rows, factored, distinct, which in call:
            here = which + offset if offset else which
            offset += distinct.size
            texts[rows] = column[here]
            if factored.any():
                if factor is None:
                    factor = column.copy()
                    negative = np.flatnonzero(values < 0)  # (a text starts with − just where its number is negative)
                    factor[negative] = "(" + column[negative] + ")"
                factors[rows[factored]] = factor[here[factored]]
            if read:
                backs[rows] = back[here]
    return texts, backs, factors


def _read(text: str) -> float:
    """The float a number's text reads as (NaN for ∞ and the like: never a formula's operand)."""
    try:
        return float(text.replace("−", "-"))
    except ValueError:
        return float("nan")


def _places(result: str) -> int:
    """``shown_places`` of a result (its decimals counted directly when it has no exponent)."""
    point = result.find(".")
    if "e" in result:
        return shown_places(result)
    return 0 if point < 0 else len(result) - point - 1


_NAMES: dict[str, tuple[tuple[int, ...], np.ndarray]] = {}  # prefix → (shape, every element's symbol)
_NAMES_HELD = 1 << 18  # at most this many symbols are kept, ~20 MB (then the tables are made again)


def _symbols(prefix: str, start: np.ndarray, moves: np.ndarray, index: np.ndarray) -> np.ndarray | str:
    """A symbol slot's text at every element (one text when it is the same for all), read
    from a table of the symbols of every index up to the largest, made once per shape."""
    if not moves.any():
        return prefix + ("[" + ",".join(map(str, start.tolist())) + "]" if len(start) else "")
    box = tuple(int(m) + 1 for m in index.max(axis=1).tolist())
    held = _NAMES.get(prefix)
    if held is not None and len(held[0]) == len(box):
        box = tuple(max(a, b) for a, b in zip(box, held[0]))
    if index.min() < 0 or prod(box) > _NAMES_HELD:  # (a table that large is not held: these elements' alone)
        return np.array([prefix + "[" + ",".join(map(str, row)) + "]" for row in index.T.tolist()], dtype=object)
    if held is None or held[0] != box:
        held = _NAMES[prefix] = (box, _names(prefix, box))
    found: np.ndarray = held[1][np.ravel_multi_index(tuple(index), box)]
    return found


def _names(prefix: str, box: tuple[int, ...]) -> np.ndarray:
    """The symbols ``prefix[i,j,…]`` of every index of shape ``box`` in reading order."""
    if sum(t.size for _, t in _NAMES.values()) + prod(box) > _NAMES_HELD:
        _NAMES.clear()
    if len(box) == 1:
        names = [f"{prefix}[{i}]" for i in range(box[0])]
    elif len(box) == 2:
        names = [f"{prefix}[{i},{j}]" for i in range(box[0]) for j in range(box[1])]
    else:
        names = [prefix + "[" + ",".join(map(str, row)) + "]" for row in np.ndindex(box)]
    return np.array(names, dtype=object)


Reading = tuple[list[str | None], list[tuple[int, int, bool]]]  # a line's tokens, None at its number slots; the slots


def _reading(numbers: list[Part]) -> Reading | None:
    """How the calculator reads a template's checked line, the same for every element and
    every round: its tokens with None where a number slot stands, and per slot (its place
    among the tokens, the slot, written as it is rather than as a factor); None when a
    literal part holds something else than arithmetic (the lines are read one by one)."""
    tokens: list[str | None] = []
    slots: list[tuple[int, int, bool]] = []
    for part in numbers:
        if isinstance(part, str):
            found = _TOKEN.findall(part)
            if sum(map(len, found)) != len(part) - part.count(" "):
                return None  # something else in it: not arithmetic
            tokens += found
        else:
            slots.append((len(tokens), part[1], part[0] == "N"))
            tokens.append(None)
    return tokens, slots


_READINGS: WeakKeyDictionary[_Template, Reading | None] = WeakKeyDictionary()


def _reading_of(base: _Template) -> Reading | None:
    """``_reading`` of a template's checked line, worked out once per template (a plan's
    templates are kept across iterations)."""
    if base not in _READINGS:
        _READINGS[base] = _reading(base.numbers)
    return _READINGS[base]


class _Rows:
    """A matrix of number slots' rows (slots × elements) read by slot: ``rows[k]`` is slot
    ``k``'s row (``row_of``), a view made only when it is asked for."""

    __slots__ = ("matrix", "row_of")

    def __init__(self, matrix: np.ndarray, row_of: dict[int, int]) -> None:
        self.matrix = matrix
        self.row_of = row_of

    def __getitem__(self, k: int) -> np.ndarray:
        row: np.ndarray = self.matrix[self.row_of[k]]
        return row


Rows = Mapping[int, np.ndarray] | _Rows  # a slot's row of texts, factors or values read back


def _reproduces(numbers: list[Part], texts: Rows, factors: Rows, backs: Rows, results: Sequence[str] | np.ndarray,
                shown: np.ndarray, half: np.ndarray) -> np.ndarray:
    """``_reproduced`` of a line read here (``_reading``)."""
    return _reproduced(_reading(numbers), numbers, texts, factors, backs, results, shown, half)


def _reproduced(reading: Reading | None, numbers: list[Part], texts: Rows, factors: Rows, backs: Rows,
                results: Sequence[str] | np.ndarray, shown: np.ndarray, half: np.ndarray) -> np.ndarray:
    """Per element: do the written numbers (``backs``: as a calculator reads them back),
    evaluated as written, give the result shown within half its last digit
    (``value_reproduces``)? Read as the calculator of core/explain/arithmetic reads each
    element's text, on whole arrays: a plain sum of products in one pass (``plain_value``),
    any other formula (a function, a group, a power) by its reader over arrays
    (``array_value``); only a text whose reading depends on a bare number's sign is read
    element by element (``reproduces``). ``texts``, ``factors``, ``backs``: each slot's row;
    ``reading``: ``_reading(numbers)``, which the caller holds."""
    count = shown.size
    if reading is None:
        return _one_by_one(numbers, texts, factors, results)
    skeleton, slots = reading
    tokens: list[str | np.ndarray | None] = list(skeleton)
    for at, k, _ in slots:
        tokens[at] = backs[k]
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):  # (non-finite: no, as Python's error is)
        value = plain_value(tokens)  # type: ignore[arg-type]  # (no None is left in it)
    failed: np.ndarray | None = None
    if value is None:  # not a sum of products (a function, a group): the calculator's reader, over arrays
        read_slots: list[str | Slot | None] = list(skeleton)
        for at, k, bare in slots:
            read_slots[at] = Slot(backs[k], bare)
        try:
            read = array_value(read_slots, count)  # type: ignore[arg-type]  # (no None is left in it)
        except NotSameShape:
            return _one_by_one(numbers, texts, factors, results)
        if read is None:  # no arithmetic to do: yes, as reproduces says
            return np.ones(count, dtype=bool)
        value, failed = read
    value = np.broadcast_to(np.asarray(value, dtype=np.float64), (count,))
    with np.errstate(invalid="ignore"):
        good: np.ndarray = np.isfinite(value) & (np.abs(value - shown) <= half * (1 - 1e-9))
    return good if failed is None else good & ~failed


def _one_by_one(numbers: list[Part], texts: Rows, factors: Rows, results: Sequence[str] | np.ndarray) -> np.ndarray:
    """``reproduces`` of every element's text, one by one (``results``: their texts; an
    array of str is taken as it is, made a list only here, where it is read)."""
    count = len(results)
    return np.array([reproduces("".join(row), result) for row, result in zip(zip(*(
        repeat(part, count) if isinstance(part, str)
        else (texts if part[0] == "N" else factors)[part[1]].tolist() for part in numbers)), list(results))],
        dtype=bool)
