"""``solve``: run iterations and report every value with its derivation or as JSON.

Everything is read from the Stepper and its Derivations, the same ones the TUI shows.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from core.engine.quantities import KINDS, QuantityRef, kinds_where, parse_name
from core.engine.scenario import Scenario
from core.engine.stepper import Stepper, rounding_words
from core.errors import CnnTuiError
from core.explain.array_lines import array_chunks
from core.explain.derivation import Derivation
from core.explain.explainer import explainer_of
from core.i18n import mark, tr
from core.learner.checks import Check, run_checks, tally
from core.nn.optim import optimizer_words
from core.numbers import fmt
from core.scenario.budget import check_solve
from core.text import cells, markdown_text, visible


@dataclass
class IterationRecord:
    """One iteration's numbers, read from the stepper once it is updated."""

    iteration: int
    samples: list[int]
    loss: float
    values: dict[str, Any]
    checks: list[Check] = field(default_factory=list)
    sections: list[tuple[str, list[Derivation]]] = field(default_factory=list)


def quantity_names(stepper: Stepper) -> list[str]:
    """Every array name of contract §3 in reading order: input, forward, loss, backward, update
    (per layer, the optimizer's state after the update, §6.1, then the new parameters)."""
    layers = stepper.network.layers
    names = ["input", "target"]
    for layer in layers:
        if layer.has_params:
            names += [f"{layer.name}.weight", f"{layer.name}.bias"]
        own = layer.own_kinds()  # a layer's own kinds (§6.2): given ones (a mask), then computed ones
        names += [f"{layer.name}.{kind}" for kind in own if KINDS[kind].stage == "given"]
        names += [f"{layer.name}.{kind}" for kind in own if KINDS[kind].stage != "given"]
        if layer.has_net:
            names.append(f"{layer.name}.net")
        names.append(f"{layer.name}.out")
    names.append("loss")
    for layer in reversed(layers):
        names.append(f"{layer.name}.grad_out")
        if layer.has_net:
            names.append(f"{layer.name}.delta")
        if layer.has_params:
            names += [f"{layer.name}.grad_weight", f"{layer.name}.grad_bias"]
    for layer in layers:
        if layer.has_params:
            names += [f"{layer.name}.{kind}" for kind in stepper.network.state_kinds_of(layer)]
            names += [f"{layer.name}.new_weight", f"{layer.name}.new_bias"]
    return names


def values_per_iteration(scenario: Scenario) -> int:
    """How many numbers one record keeps: the sizes of every array ``quantity_names`` lists."""
    batch = scenario.batch_size
    network = scenario.network
    total = batch * (int(np.prod(network.input_shape)) + network.output_size) + 1  # input, target, loss
    for layer in network.layers:
        out = int(np.prod(layer.out_shape))
        total += batch * out * (4 if layer.has_net else 2)  # (net, delta,) out, grad_out
        shapes = layer.param_shapes()
        total += 3 * sum(int(np.prod(s)) for s in shapes.values())  # now, gradient, new
        for kind in network.state_kinds_of(layer):  # optimizer state: one array per parameter
            total += int(np.prod(shapes[kind.rsplit("_", 1)[1]]))
        for kind, shape in layer.own_kinds().items():  # batch statistics, masks
            total += (batch if KINDS[kind].per_sample else 1) * int(np.prod(shape))
    return total


def solve(scenario: Scenario, iterations: int = 1, explained: bool = False,
          hand_rounding: int | None = None) -> list[IterationRecord]:
    """Run ``iterations`` whole iterations from the scenario as loaded.

    With ``explained``, each record also keeps every value's Derivation (at the
    scenario's display decimals), for the text and Markdown reports; ``hand_rounding``
    rounds every computed value to that many decimals before it is used (as the TUI's
    hand-rounding and ``export --hand-rounding`` do). Every record is
    kept until the report is written, so ``iterations`` is refused up front when the
    records would not fit the memory budget.
    """
    refusal = check_solve(iterations, values_per_iteration(scenario), explained)
    if refusal is not None:
        raise refusal
    stepper = Stepper(scenario)
    if hand_rounding is not None:
        stepper.set_hand_rounding(hand_rounding)
    records = []
    for k in range(iterations):
        if k:
            stepper.advance_to_next()
        stepper.run_iteration()
        values = {}
        for name in quantity_names(stepper):
            arr = stepper.array(name)
            assert arr is not None
            values[name] = float(arr) if name == "loss" else np.asarray(arr).tolist()
        record = IterationRecord(stepper.iteration, stepper.sample_indices(), float(values["loss"]),
                                 values, run_checks(stepper, scenario.expected) if k == 0 else [])
        if explained:
            record.sections = derivations(stepper, scenario.decimals)
        records.append(record)
    return records


def to_json(scenario: Scenario, records: list[IterationRecord]) -> str:
    """The contract's JSON: full float64 precision (shortest round-trip text).

    Values that overflowed (training diverged, or the file's own numbers overflow in the
    first forward pass) make no valid JSON: that is an error naming the iteration and
    the first such value, not a file with Infinity or NaN in it.
    """
    for record in records:
        for name, v in record.values.items():
            arr = np.asarray(v, dtype=np.float64)
            finite = np.isfinite(arr)
            if not finite.all():
                index = tuple(int(i) for i in np.unravel_index(int(np.argmin(finite)), arr.shape))  # () for the loss
                where = f"{name}[{','.join(map(str, index))}]" if index else name
                raise CnnTuiError(tr("iteration {n} diverged: {name} is {value} (a value overflowed to ∞ or NaN, "
                                     "which JSON cannot hold): lower the learning rate or the file's largest "
                                     "inputs and weights; the text format shows where",
                                     n=record.iteration, name=where, value=fmt(float(arr[index]))))
    doc = {"format": 1, "name": scenario.name,
           "iterations": [{"iteration": r.iteration, "samples": r.samples, "loss": r.loss,
                           "values": r.values, "checks": [c.as_json() for c in r.checks]}
                          for r in records]}
    return json.dumps(doc, ensure_ascii=False, allow_nan=False)


def _element_names(stepper: Stepper, name: str) -> list[str]:
    """Every element's name of array ``name`` in reading order (``name`` itself for a number)."""
    return [str(ref) for ref in _element_refs(stepper, name)]


def _element_refs(stepper: Stepper, name: str) -> Iterator[QuantityRef]:
    """Every element of array ``name`` in reading order (the array itself when it is a number)."""
    arr = stepper.array(name)
    assert arr is not None
    array = parse_name(name)
    if np.ndim(arr) == 0:
        yield array
        return
    for idx in np.ndindex(np.shape(arr)):
        yield QuantityRef(array.layer, array.kind, tuple(int(i) for i in idx))


# the report's sections (titles in English, said with tr where they are written)
GIVEN, UPDATE = mark("Given"), mark("Update")
SECTIONS = ((mark("Forward pass"), kinds_where(stage="forward")),  # net, out, loss
            (mark("Backward pass"), kinds_where(stage="backward")),  # grad_out, delta, grad_weight, grad_bias
            (UPDATE, kinds_where(stage="update")))  # new_weight, new_bias


def _section_of(name: str) -> str:
    kind = name.split(".")[-1]
    for title, kinds in SECTIONS:
        if kind in kinds:
            return title
    return GIVEN


def section_derivations(stepper: Stepper, decimals: int) -> list[tuple[str, Iterator[Derivation]]]:
    """(section title, its derivations) for every value of the current iteration; each
    section's derivations are made as they are read, so a report holds one at a time."""
    explain_one = explainer_of(stepper, decimals)

    def made(names: list[str]) -> Iterator[Derivation]:
        for name in names:
            for ref in _element_refs(stepper, name):
                yield explain_one(ref)
    return [(title, made(names)) for title, names in _section_names(stepper)]


def section_lines(stepper: Stepper, decimals: int, blocks: bool = False) -> list[tuple[str, Iterator[str]]]:
    """``section_derivations`` as the reports write them, each value's ``one_line()``: an
    array whose line has one shape for every element is written whole from the
    explainer's template of it (core/explain/array_lines), the same lines, far faster;
    every other value (and an element the template leaves out) is explained alone.
    With ``blocks``, each chunk of an array made whole comes as one text, its lines joined by newlines."""
    explain_one = explainer_of(stepper, decimals)

    def made(names: list[str]) -> Iterator[str]:
        for name in names:
            chunks = array_chunks(stepper, name, decimals)
            if chunks is None:
                for ref in _element_refs(stepper, name):
                    yield explain_one(ref).one_line()
                continue
            arr = stepper.array(name)
            assert arr is not None  # (a templated array is computed)
            array, shape, at = parse_name(name), np.shape(arr), 0
            for lines in chunks:
                if all(lines):  # (no None: a line is never empty; cheaper than `None not in`)
                    if blocks:
                        yield "\n".join(lines)  # type: ignore[arg-type]
                    else:
                        yield from lines  # type: ignore[misc]
                else:
                    for k, line in enumerate(lines, at):
                        yield line if line is not None else explain_one(QuantityRef(
                            array.layer, array.kind, tuple(int(i) for i in np.unravel_index(k, shape)))).one_line()
                at += len(lines)
    return [(title, made(names)) for title, names in _section_names(stepper)]


def _section_names(stepper: Stepper) -> list[tuple[str, list[str]]]:
    """(section title, the names of its arrays) in reading order."""
    groups: dict[str, list[str]] = {GIVEN: []}
    for title, _ in SECTIONS:
        groups[title] = []
    state = set(stepper.network.state_names())
    for name in quantity_names(stepper):
        groups[UPDATE if name in state else _section_of(name)].append(name)
    return list(groups.items())


def derivations(stepper: Stepper, decimals: int) -> list[tuple[str, list[Derivation]]]:
    """(section title, derivations) for every value of the current iteration."""
    return [(title, list(items)) for title, items in section_derivations(stepper, decimals)]


def stream_text(scenario: Scenario, iterations: int = 1, markdown: bool = False,
                hand_rounding: int | None = None) -> Iterator[str]:
    """``render_text(scenario, solve(scenario, iterations, explained=True, …))`` line by line
    (each with its newline; an array made whole from its template comes as one text of
    all its lines, for fewer, larger writes, its newline the next text), an iteration's values written while it is
    the stepper's: only one iteration is ever held, so the count of values is bounded by
    the output's size (``MAX_SOLVE_VALUES``, as JSON), not by memory. Refuses up front as
    ``solve`` does."""
    refusal = check_solve(iterations, values_per_iteration(scenario), explained=False)
    if refusal is not None:
        raise refusal
    return _streamed(scenario, iterations, markdown, hand_rounding)


def _streamed(scenario: Scenario, iterations: int, markdown: bool, hand_rounding: int | None) -> Iterator[str]:
    yield from _lines(_head(scenario, markdown, hand_rounding))
    stepper = Stepper(scenario)
    if hand_rounding is not None:
        stepper.set_hand_rounding(hand_rounding)
    for k in range(iterations):
        if k:
            stepper.advance_to_next()
        stepper.run_iteration()
        loss = stepper.array("loss")
        assert loss is not None
        record = IterationRecord(stepper.iteration, stepper.sample_indices(), float(loss), {},
                                 run_checks(stepper, scenario.expected) if k == 0 else [])
        yield from _lines(_iteration_text(scenario, record, section_lines(stepper, scenario.decimals, blocks=True),
                                          markdown))


LONG = 1 << 12  # a text this long (an array's lines as one block) is followed by its newline, not copied with it


def _lines(lines: Iterable[str]) -> Iterator[str]:
    """Each text with its newline: a short one joined to it, a long one (an array's block
    of lines, megabytes) followed by it, so the block is not copied to gain one character."""
    for line in lines:
        if len(line) < LONG:
            yield line + "\n"
        else:
            yield line
            yield "\n"


def render_text(scenario: Scenario, records: list[IterationRecord], markdown: bool = False,
                hand_rounding: int | None = None) -> str:
    """Readable like the notes: each value as ``symbol = formula = numbers = value``.

    Strings from the file (the name, expected values as written) are shown inert: control
    characters visible, and in Markdown every punctuation mark escaped."""
    out = list(_head(scenario, markdown, hand_rounding))
    for record in records:
        out += _iteration_text(scenario, record, ((title, (d.one_line() for d in items))
                                                  for title, items in record.sections), markdown)
    return "\n".join(out) + "\n"


def _head(scenario: Scenario, markdown: bool, hand_rounding: int | None) -> Iterator[str]:
    """The report's first lines: the scenario's name, and whether it is hand-rounded."""
    shown = markdown_text if markdown else visible
    yield f"# {shown(scenario.name)}" if markdown else shown(scenario.name)
    if hand_rounding is not None:
        yield from ["", ("> " if markdown else "") + tr("HAND-ROUNDING: {rule}", rule=rounding_words(hand_rounding))]


def _iteration_text(scenario: Scenario, record: IterationRecord,
                    sections: Iterable[tuple[str, Iterable[str]]], markdown: bool) -> Iterator[str]:
    """One iteration's lines: its heading, every section's derivation lines, the checks."""
    d = scenario.decimals
    shown = markdown_text if markdown else visible
    samples = ", ".join(str(s + 1) for s in record.samples)
    words = optimizer_words(scenario.optimizer)
    values = dict(n=record.iteration, samples=samples, loss=fmt(record.loss, d), rate=fmt(scenario.learning_rate, None))
    heading = (tr("Iteration {n} (samples {samples}) — loss {loss}, α = {rate}", **values) if len(record.samples) > 1
               else tr("Iteration {n} (sample {samples}) — loss {loss}, α = {rate}", **values))
    yield from ["", ("## " if markdown else "") + heading + (f", {words}" if words else "")]
    for section, items in sections:
        title = tr(section)
        yield from ["", f"{'### ' if markdown else ''}{title}" + ("" if markdown else "\n" + "-" * cells(title))]
        if markdown:
            yield from ["", "```"]
        yield from items
        if markdown:
            yield "```"
    if record.checks:
        heading = tr("Checks of the expected values: {tally}", tally=tally(record.checks))
        yield from ["", f"{'### ' if markdown else ''}{heading}", ""]
        for c in record.checks:
            line = tr("{mark} {name}: expected {written} ({rule}), exact {exact}", mark=c.mark, name=c.name,
                      written=shown(c.expected.text.replace("-", "−")), rule=shown(c.rule) if markdown else c.rule,
                      exact=fmt(c.actual, None))
            if c.diagnosis is not None:
                line += f" — {c.diagnosis.slip}: {c.diagnosis.explanation}"
            yield f"- {line}" if markdown else f"  {line}"
