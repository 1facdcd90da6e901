"""Every size limit of cnn-tui, checked from shapes alone before anything is allocated.

A scenario is a few hundred bytes of YAML that can ask for terabytes (``input: [1, 100000]``
with ``maxpool1d size 50000 stride 1`` asks for a 2.5-billion-entry window table). So the
loader works out, from the parsed settings and layer specs only, what a file would need,
and refuses it with one message naming the field, the size asked and the limit, before a
layer, an array or a window table is built.

The limits keep any accepted file under about 2 GB of memory (float64 = 8 bytes a value):

==============================  ===========  =============================================
limit                            values       why
==============================  ===========  =============================================
``MAX_PARAMETERS``               5,000,000    40 MB a copy; the stepper keeps weights,
                                              gradients and new weights, training a flat
                                              vector and copies: ~6 copies, 240 MB
``MAX_ITERATION_VALUES``         50,000,000   400 MB: one iteration's batch × every value
                                              the stepper keeps per sample (net, out,
                                              grad_out, delta, pooling choices, the
                                              window columns, the zero-padded input
                                              grid) + 3 × the parameters; the pass
                                              allocates about this much
``MAX_WINDOW_ENTRIES``           10,000,000   80 MB of window index tables (positions ×
                                              window elements, summed over the layers)
``MAX_WINDOW``                   65,536       window elements (kh·kw) of one layer: the
                                              layers loop over them, one NumPy call each
``MAX_SAMPLE_VALUES``            40,000,000   320 MB: samples × (input + targets), train
                                              and test sets together; an npz array may need
                                              one more copy while it is converted
``MAX_SOLVE_VALUES``             10,000,000   values ``solve`` keeps for its report
                                              (iterations × values per iteration): ~100
                                              bytes each measured with the JSON text, ~1 GB;
                                              ``MAX_EXPLAINED_VALUES`` 200,000 when every
                                              value also keeps its derivation (~1.8 KB each
                                              measured with the report's text, ~360 MB;
                                              building them is the slow part, ~80 µs each)
==============================  ===========  =============================================

Together about 1.7 GB at the worst (a JSON ``solve`` beside the largest samples), under
the 2 GB aim. ``MAX_SIZE`` bounds every single size, stride, count or batch size;
``MAX_LAYERS`` the layers (10,000: every per-layer cost is linear; a 5,000-layer network opens
in the TUI and steps, issue 15);
``MAX_YAML_BYTES`` the YAML file (bytes actually read), ``MAX_DEPTH`` its nesting;
``MAX_NPZ_MEMBERS`` and ``MAX_NPZ_DIRECTORY`` an npz's zip directory, read before it.
The bundled scenarios and the 100k-parameter, 10k-sample benchmark network are far inside.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, NamedTuple

from core.errors import CnnTuiError
from core.i18n import tr
from core.nn.layers import layer_class

MAX_YAML_BYTES = 10 * 1024 * 1024
MAX_SIZE = 100_000
MAX_PARAMETERS = 5_000_000
MAX_ITERATION_VALUES = 50_000_000
MAX_WINDOW_ENTRIES = 10_000_000
MAX_WINDOW = 65_536
MAX_SAMPLE_VALUES = 40_000_000
MAX_SOLVE_VALUES = 10_000_000
MAX_EXPLAINED_VALUES = 200_000
MAX_LAYERS = 10_000  # layers in a network: the TUI mounts only the panels near the view
MAX_NPZ_MEMBERS = 1_000  # entries in an npz's zip directory (numpy.savez writes one per array)
MAX_NPZ_DIRECTORY = 4 * 1024 * 1024  # bytes of an npz's zip directory (~100 a member)
MAX_DEPTH = 1_000  # nested YAML lists and mappings (libyaml's own limit)
MAX_NAME = 100  # characters of a quantity name in ``expected`` (real ones are short)


class BudgetError(Exception):
    """A size over a limit; ``field`` is the path of the field that asks for it."""

    def __init__(self, field: tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class LayerSize(NamedTuple):
    """What one layer needs, per sample unless said otherwise."""

    out: int  # values of its output
    kept: int  # values the stepper keeps per sample (net, out, grad_out, delta, caches)
    parameters: int
    window_entries: int = 0  # index table: positions × window elements (once, not per sample)


def _n(value: int) -> str:
    return f"{value:,}"


def layer_sizes(input_shape: tuple[int, ...], specs: Sequence[dict[str, Any]]) -> list[LayerSize]:
    """The size of every layer, from the specs alone (no layer is built: each layer class
    says its own sizes); a layer reads the shape of its first input (``inputs``, by default
    the layer before it). Stops at the first layer whose shape does not fit or that reads
    no earlier layer, which ``build_network`` then reports."""
    sizes: list[LayerSize] = []
    shapes: dict[str, tuple[int, ...]] = {"input": input_shape}
    for i, spec in enumerate(specs):
        first = spec["inputs"][0] if spec.get("inputs") else ("input" if i == 0 else specs[i - 1]["name"])
        shape = shapes.get(first)
        if shape is None:
            break
        found = layer_class(spec["type"]).spec_size(spec, shape)
        if found is None:
            break
        if found.window is not None:
            window = found.window[0] * found.window[1]
            if window > MAX_WINDOW:
                raise BudgetError(("layers", i, found.window_field),
                                  tr("a window of {size} elements ({height} × {width}) is over the limit of {limit}",
                                     size=_n(window), height=found.window[0], width=found.window[1],
                                     limit=_n(MAX_WINDOW)))
        sizes.append(LayerSize(found.out, found.kept, found.parameters, found.window_entries))
        shapes[spec["name"]] = found.out_shape
    return sizes


def iteration_values(input_shape: tuple[int, ...], sizes: Sequence[LayerSize], batch: int) -> int:
    """Values one iteration keeps: the batch's inputs, targets and every layer's values, and
    the parameters with their gradients and new values."""
    outputs = sizes[-1].out if sizes else 0
    per_sample = math.prod(input_shape) + outputs + sum(s.kept for s in sizes)
    return batch * per_sample + 3 * sum(s.parameters for s in sizes)


def check_network(input_shape: tuple[int, ...], specs: Sequence[dict[str, Any]], batch: int) -> None:
    """Refuse a network over the layer, parameter, window or per-iteration limits (BudgetError)."""
    if len(specs) > MAX_LAYERS:
        raise BudgetError(("layers",), tr("the network has {layers} layers; the limit is {limit}",
                                          layers=_n(len(specs)), limit=_n(MAX_LAYERS)))
    sizes = layer_sizes(input_shape, specs)
    for i, size in enumerate(sizes):
        if size.window_entries > MAX_WINDOW_ENTRIES:
            raise BudgetError(("layers", i), tr("the windows of '{name}' need an index table of {entries} entries; the "
                                                "limit is {limit} (use a larger stride or a smaller window)",
                                                name=specs[i]['name'], entries=_n(size.window_entries),
                                                limit=_n(MAX_WINDOW_ENTRIES)))
    entries = sum(s.window_entries for s in sizes)
    if entries > MAX_WINDOW_ENTRIES:
        raise BudgetError(("layers",), tr("the layers' windows need index tables of {entries} entries in all; the "
                                          "limit is {limit}", entries=_n(entries), limit=_n(MAX_WINDOW_ENTRIES)))
    total = 0
    for i, size in enumerate(sizes):
        total += size.parameters
        if total > MAX_PARAMETERS:
            raise BudgetError(("layers", i), tr("the network has {parameters} parameters up to '{name}'; the limit "
                                                "is {limit}",
                                                parameters=_n(total), name=specs[i]['name'],
                                                limit=_n(MAX_PARAMETERS)))
    values = iteration_values(input_shape, sizes, batch)
    if values > MAX_ITERATION_VALUES:
        one = iteration_values(input_shape, sizes, 1) - 3 * total
        field: tuple[str | int, ...] = ("batch_size",) if batch > 1 else ("layers",)
        raise BudgetError(field, tr("one iteration would keep {values} values (batch {batch} × {per_sample} per "
                                    "sample, and the parameters); the limit is {limit}",
                                    values=_n(values), batch=_n(batch), per_sample=_n(one),
                                    limit=_n(MAX_ITERATION_VALUES)))


def check_samples(count: int, per_sample: int, already: int, field: tuple[str | int, ...]) -> None:
    """Refuse ``count`` samples of ``per_sample`` values (input + targets) when they, with the
    ``already`` values of other sample sets, exceed ``MAX_SAMPLE_VALUES``."""
    asked = count * per_sample + already
    if asked > MAX_SAMPLE_VALUES:
        extra = tr(", with {n} in the other samples", n=_n(already)) if already else ""
        raise BudgetError(field, tr("{samples} samples × {per_sample} values (input and target) is {values} "
                                    "values{extra}; the limit is {limit}",
                                    samples=_n(count), per_sample=_n(per_sample), values=_n(count * per_sample),
                                    extra=extra, limit=_n(MAX_SAMPLE_VALUES)))


class SolveTooLarge(CnnTuiError):
    """``solve`` would keep more values for its report than the budget allows. It carries
    the numbers, so a command can phrase its own options; its message says it plainly."""

    def __init__(self, iterations: int, per_iteration: int, limit: int, explained: bool) -> None:
        self.iterations = iterations
        self.per_iteration = per_iteration
        self.limit = limit
        self.explained = explained
        what = tr(" with derivations") if explained else ""
        if self.one_too_many:
            words = tr("one iteration of this scenario keeps {per_iteration} values; at most {limit} can be "
                       "kept{what}: lower batch_size", per_iteration=_n(per_iteration), limit=_n(limit), what=what)
        else:
            words = tr("{iterations} iterations would keep {asked} values ({per_iteration} per iteration); the "
                       "limit is {limit}{what}: ask for at most {most}", iterations=_n(iterations),
                       asked=_n(self.asked), per_iteration=_n(per_iteration), limit=_n(limit), what=what,
                       most=_n(self.most))
        super().__init__(words)

    @property
    def asked(self) -> int:
        return self.iterations * self.per_iteration

    @property
    def one_too_many(self) -> bool:
        """Even one iteration is over the limit (no count of iterations would do)."""
        return self.per_iteration > self.limit

    @property
    def most(self) -> int:
        """The most iterations that fit."""
        return self.limit // self.per_iteration


def check_solve(iterations: int, per_iteration: int, explained: bool) -> SolveTooLarge | None:
    """Why ``solve`` cannot keep ``iterations`` records (raise it), or None when it can."""
    limit = MAX_EXPLAINED_VALUES if explained else MAX_SOLVE_VALUES
    if iterations * per_iteration <= limit:
        return None
    return SolveTooLarge(iterations, per_iteration, limit, explained)
