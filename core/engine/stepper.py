"""The iteration state machine: forward and backward one layer at a time, update, undo, edit.

The stepper is the only thing that changes state. Its state is a small immutable record:
arrays are never written in place, so an undo snapshot is a shallow copy. The phase is
derived from which values exist, so an edit only has to drop the values that depend on
it and the next step recomputes exactly those.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from core.engine.passes import (
    Run,
    hidden_gradients,
    iteration_given,
    loss_value,
    output_gradients,
    sent_back,
    state_after,
    update_params,
    upstream_kind,
)
from core.engine.quantities import (
    BACKWARD_KINDS,
    FORWARD_KINDS,
    KINDS,
    PARAM_KINDS,
    PREVIOUS,
    UPDATE_KINDS,
    QuantityRef,
    format_index,
    kinds_where,
    parse_name,
)
from core.engine.quantity_shapes import check_index, quantity_shape
from core.engine.scenario import Expected, SampleSet, Scenario, batch_indices
from core.errors import EditError, QuantityError, StepError
from core.i18n import mark, tr, tr_n
from core.nn.layers import Params
from core.nn.optim import OptimizerState, get_optimizer
from core.numbers import fmt, round_as_shown
from core.text import quote

_PER_SAMPLE = kinds_where(per_sample=True)  # a batch axis only when B > 1

UNDO_LIMIT = 200
EDITABLE_WORDS = mark("only weights, biases, inputs, targets, dropout masks and the optimizer state an update "
                  "starts from can be edited")  # shown with tr()


class Phase(NamedTuple):
    """Where the iteration stands: the next step's stage, its layer and its place."""

    stage: str  # "forward" | "backward" | "update" | "done"
    step: int  # 1-based number of the next step within its stage (0 for update/done)
    total: int  # steps in the stage
    layer: str | None  # the layer the next step works on

    def describe(self) -> str:
        """Human words, e.g. ``forward 2/4: pool`` or ``update``."""
        if self.stage == "forward":
            return tr("forward {step}/{total}: {layer}", step=self.step, total=self.total, layer=self.layer)
        if self.stage == "backward":
            return tr("backward {step}/{total}: {layer}", step=self.step, total=self.total, layer=self.layer)
        if self.stage == "update":
            return tr("update")
        return tr("updated")

    def next_words(self) -> str:
        """The next step, for "next: …": as ``describe``, except once the iteration is updated
        (``next: updated`` named no step): then the next iteration's forward pass."""
        return tr("the next iteration's forward pass") if self.stage == "done" else self.describe()


@dataclass(frozen=True)
class State:
    """Everything that one undo step restores."""

    params: dict[str, Params]
    samples: SampleSet
    iteration: int
    values: dict[str, np.ndarray]
    caches: dict[str, Any] = field(default_factory=dict)
    edited: bool = False  # differs from the scenario as loaded or last saved
    rounding: int | None = None  # hand-rounding: every computed value rounded to these decimals
    edits: dict[str, float] = field(default_factory=dict)  # values edited this iteration → value before
    optim: OptimizerState = OptimizerState()  # the optimizer's state before this iteration's update
    layer_state: dict[str, Params] = field(default_factory=dict)  # layers' state before this forward
    given: dict[str, np.ndarray] = field(default_factory=dict)  # iteration 1's given arrays (a file's mask)
    picked: tuple[int, ...] | None = None  # the samples a learner chose for this iteration (else by its number)
    # hand-rounding rounds the parameters it starts from, as a learner writes them; the exact
    # ones are kept here (this iteration only) for turning it off and for saving
    unrounded: dict[str, Params] | None = None


class Stepper:
    """Steps one scenario; every method that changes state can be undone."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.network = scenario.network
        self._loaded = scenario.copy()
        self.state: State
        self.state = self._start(scenario.params, scenario.samples, 1, edited=False,
                                 optim=scenario.optimizer_state, layer_state=scenario.layer_state,
                                 given=scenario.given)
        # each entry: the state, what the command was, and the expected values before it
        # (and the learning rate before it: α is the scenario's, and a learner may change it)
        self._undo: list[tuple[State, str, dict[str, Expected], float]] = []
        self._phase_of: tuple[dict[str, np.ndarray], Phase] | None = None
        # the keys the phase is read from, spelt once (a scan of 5,000 layers per question)
        self._out_keys = [f"{layer.name}.out" for layer in self.network.layers]
        self._grad_out_keys = [f"{layer.name}.grad_out" for layer in self.network.layers]
        self._new_weight_keys = [f"{layer.name}.new_weight" for layer in self.network.param_layers()]
        self._given_key_list = [f"{layer.name}.{kind}" for layer in self.network.layers
                                for kind in layer.given_kinds]

    # --- reading ----------------------------------------------------------------
    @property
    def batch_size(self) -> int:
        return self.scenario.batch_size

    @property
    def iteration(self) -> int:
        return self.state.iteration

    @property
    def params(self) -> dict[str, Params]:
        return self.state.params

    def sample_indices(self, iteration: int | None = None) -> list[int]:
        """Samples of an iteration: (k−1)·B + j mod S, j = 0…B−1 (one wrapping cursor), or
        the ones the learner picked for this iteration (``choose_samples``)."""
        if iteration is None and self.state.picked is not None:
            return list(self.state.picked)
        k = self.state.iteration if iteration is None else iteration
        return batch_indices(k, self.batch_size, len(self.state.samples))

    def phase(self) -> Phase:
        """Where the iteration stands, derived from which values exist. Remembered for the
        values it was derived from (a state's values are never changed in place): the TUI
        asks many times a keypress, and a scan is as long as the network."""
        values = self.state.values
        if self._phase_of is not None and self._phase_of[0] is values:
            return self._phase_of[1]
        ph = self._derive_phase(values)
        self._phase_of = (values, ph)
        return ph

    def _derive_phase(self, values: dict[str, np.ndarray]) -> Phase:
        layers = self.network.layers
        n = len(layers)
        first = self._first_missing(values, 0)
        if first is not None:
            return Phase("forward", first + 1, n, layers[first].name)
        if "loss" not in values:
            return Phase("forward", n, n, layers[-1].name)
        last = self._last_without_gradient(values, n - 1)
        if last is not None:
            return Phase("backward", n - last, n, layers[last].name)
        if any(key not in values for key in self._new_weight_keys):
            return Phase("update", 0, 1, None)
        return Phase("done", 0, 0, None)

    def _first_missing(self, values: dict[str, np.ndarray], start: int) -> int | None:
        """The first layer from ``start`` on whose output is not computed, or None."""
        keys = self._out_keys
        return next((i for i in range(start, len(keys)) if keys[i] not in values), None)

    def _last_without_gradient(self, values: dict[str, np.ndarray], start: int) -> int | None:
        """The last layer from ``start`` down whose ∂E/∂out is not computed, or None."""
        keys = self._grad_out_keys
        return next((i for i in range(start, -1, -1) if keys[i] not in values), None)

    def has(self, name: str) -> bool:
        """Is the whole array ``name`` (e.g. ``fc.delta``) known now?"""
        ref = parse_name(name)
        return self._array(ref) is not None

    def array(self, name: str) -> np.ndarray | None:
        """The whole array by name (batch axis only when batch_size > 1), or None if not computed."""
        return self._array(parse_name(name))

    def value(self, name: str) -> float:
        """One number by full name, e.g. ``fc.delta[0]``; QuantityError if unknown or not computed."""
        ref = parse_name(name)
        shape = quantity_shape(self.network, self.batch_size, ref)
        check_index(shape, ref, require_scalar=True)
        arr = self._array(ref)
        if arr is None:
            raise QuantityError(tr("{ref} is not computed yet (phase: {describe})",
                                   ref=ref, describe=self.phase().describe()))
        return float(arr[ref.index] if ref.index else arr)

    def _array(self, ref: QuantityRef) -> np.ndarray | None:
        st = self.state
        if ref.layer is not None and ref.kind in PARAM_KINDS:
            return st.params[ref.layer][ref.kind]
        if ref.layer is not None and ref.kind.startswith(PREVIOUS):
            return self.start_buffer(ref.layer, ref.kind[len(PREVIOUS):])
        arr = st.values.get(ref.array_name)
        if arr is None:
            return None
        if ref.kind not in _PER_SAMPLE:  # parameter-shaped kinds (optimizer state too) and the loss
            return arr
        return arr[0] if self.batch_size == 1 else arr

    def batched(self, name: str) -> np.ndarray | None:
        """The raw stored array, always with a batch axis for per-sample quantities."""
        return self.state.values.get(name)

    def values_array(self, key: str) -> np.ndarray:
        """A stored array by key (e.g. ``fc.grad_weight``); QuantityError if not computed."""
        arr = self.state.values.get(key)
        if arr is None:
            raise QuantityError(tr("{key} is not computed yet (next step: {next_words})",
                                   key=key, next_words=self.phase().next_words()))
        return arr

    def cache(self, layer: str) -> Any:
        return self.state.caches.get(layer)

    def layer_input(self, index: int) -> np.ndarray:
        """The batch that layer ``index`` reads (its first input): the sample or a layer's out."""
        return self.layer_inputs(index)[0]

    def layer_inputs(self, index: int) -> list[np.ndarray]:
        """The batches layer ``index`` reads, in the order of its ``inputs``."""
        values = self.state.values
        return [values[key] for key in self.network.input_keys(self.network.layers[index].name)]

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def undo_label(self) -> str | None:
        return self._undo[-1][1] if self._undo else None

    @property
    def edited(self) -> bool:
        return self.state.edited

    # --- stepping ----------------------------------------------------------------
    def step_forward(self) -> str:
        """Compute the next layer's net and out (and the loss after the last layer)."""
        ph = self.phase()
        if ph.stage == "done":
            self._push(tr("the step into the next iteration"))
            self.state = self._next_iteration()
            ph = self.phase()
        elif ph.stage != "forward":
            raise StepError(tr("the forward pass is complete (next: {next_words})", next_words=ph.next_words()),
                            then=("undo", "reset"))
        else:
            self._push(tr("forward {layer}", layer=ph.layer))
        self._forward_layer(ph.step - 1)
        return ph.describe()

    def forward_all(self) -> str:
        """Finish the forward pass (starting the next iteration after an update)."""
        ph = self.phase()
        if ph.stage not in ("forward", "done"):
            raise StepError(tr("the forward pass is complete (next: {next_words})", next_words=ph.next_words()))
        self._push(tr("whole forward pass"))
        if ph.stage == "done":
            self.state = self._next_iteration()
        self._forward_rest()
        return tr("forward pass")

    def _backward_phase(self) -> Phase:
        """The phase, if a backward step applies now; StepError saying why otherwise."""
        ph = self.phase()
        if ph.stage == "forward":
            raise StepError(tr("the backward pass starts from the loss: finish the forward pass first (next: "
                               "{next_words})", next_words=ph.next_words()))
        if ph.stage != "backward":
            raise StepError(tr("the backward pass is complete (next: {next_words})", next_words=ph.next_words()))
        return ph

    def step_backward(self) -> str:
        """Compute the next layer's ∂E/∂out, δ and parameter gradients, from the loss down."""
        ph = self._backward_phase()
        self._push(tr("backward {layer}", layer=ph.layer))
        self._backward_layer(len(self.network.layers) - ph.step)
        return ph.describe()

    def backward_all(self) -> str:
        """Finish the backward pass, down to the first layer."""
        self._backward_phase()
        self._push(tr("whole backward pass"))
        self._backward_rest()
        return tr("backward pass")

    def update(self) -> str:
        """The optimizer's update of every parameter (frozen ones keep their value) and its
        next state, both stored as values of this iteration."""
        ph = self.phase()
        if ph.stage != "update":
            why = {"forward": tr("the gradients are not computed yet: finish the forward and backward passes"),
                   "backward": tr("the gradients are not all computed yet: finish the backward pass"),
                   "done": tr("this iteration is already updated: the next one starts with a forward step")}
            raise StepError(tr("cannot update: {why} (next: {next_words})",
                               why=why[ph.stage], next_words=ph.next_words()),
                            then=("step_forward", "step_next") if ph.stage == "done" else ())
        self._push(tr("update"))
        self._apply_update()
        return "update"

    def _apply_update(self) -> None:
        values = dict(self.state.values)
        layers = self.network.param_layers()
        grads = {layer.name: {p: values[f"{layer.name}.grad_{p}"] for p in layer.param_names} for layer in layers}
        sc = self.scenario
        new_params, new_state = update_params(self.network, sc.optimizer, sc.learning_rate, self.state.params,
                                              grads, self.state.optim,
                                              self._rounded_as_named if self.state.rounding is not None else None)
        for layer in layers:  # each layer's state first: its update step reads it
            for kind in self.network.state_kinds_of(layer):
                values[f"{layer.name}.{kind}"] = self._rounded(new_state.buffers[f"{layer.name}.{kind}"])
            for pname, arr in new_params[layer.name].items():
                values[f"{layer.name}.new_{pname}"] = self._rounded(arr)
        self.state = replace(self.state, values=values)

    @property
    def optimizer_state(self) -> OptimizerState:
        """The optimizer's state this iteration's update starts from (steps taken, buffers)."""
        return self.state.optim

    def start_buffer(self, layer: str, kind: str) -> np.ndarray | None:
        """One state buffer this iteration's update starts from (``kind`` as ``exp_avg_weight``):
        the one kept or given, else torch's start (zeros), or None when the first update sets it
        from the gradient (SGD's momentum)."""
        kept = self.state.optim.buffers.get(f"{layer}.{kind}")
        if kept is not None:
            return kept
        base, _, param = kind.rpartition("_")
        shape = self.network.layer(layer).param_shapes()[param]
        return get_optimizer(self.scenario.optimizer.type).initial_state(base, shape)

    def update_changes(self) -> tuple[list[str], int]:
        """After the update: the names of the parameters it changed (e.g. ``out.weight[0,0]``,
        output layer first) and how many parameters there are in all."""
        changed: list[str] = []
        total = 0
        for layer in reversed(self.network.param_layers()):
            for kind in ("weight", "bias"):
                old = self.state.params[layer.name][kind]
                new = self.state.values.get(f"{layer.name}.new_{kind}")
                if new is None:
                    continue
                total += old.size
                changed += [f"{layer.name}.{kind}{format_index(tuple(int(i) for i in idx))}"
                            for idx in zip(*np.nonzero(old != new))]
        return changed, total

    def step_next(self) -> str:
        """Whatever comes next: a forward step, a backward step or the update."""
        stage = self.phase().stage
        if stage in ("forward", "done"):
            return self.step_forward()
        if stage == "backward":
            return self.step_backward()
        return self.update()

    def run_iteration(self) -> str:
        """Complete the current iteration (or, once updated, run the whole next one)."""
        self._push(tr("whole iteration"))
        if self.phase().stage == "done":
            self.state = self._next_iteration()
        self._forward_rest()
        self._backward_rest()
        if self.phase().stage == "update":
            self._apply_update()
        return tr("iteration {n}", n=self.iteration)

    def advance_to_next(self) -> None:
        """Take the updated parameters and move to the next iteration (values cleared)."""
        if self.phase().stage != "done":
            raise StepError(tr("the iteration is not updated yet"))
        self._push(tr("the step into the next iteration"))
        self.state = self._next_iteration()

    def training_start(self) -> tuple[dict[str, Params], int]:
        """Where training continues from: the updated parameters and the next iteration once
        this one is updated, else this iteration's parameters (its partial steps are redone).
        ``training_state`` is the optimizer's state to go with them."""
        if self.phase().stage == "done":
            return self._updated_params(), self.state.iteration + 1
        return self.state.params, self.state.iteration

    def training_state(self) -> OptimizerState:
        """The optimizer's state training continues from (see ``training_start``)."""
        return self._updated_state() if self.phase().stage == "done" else self.state.optim

    def training_layer_state(self) -> dict[str, Params]:
        """The layers' state (running statistics) training continues from (see ``training_start``)."""
        return self._updated_layer_state() if self.phase().stage == "done" else self.state.layer_state

    @property
    def layer_state(self) -> dict[str, Params]:
        """The layers' state this iteration's forward starts from (running statistics)."""
        return self.state.layer_state

    def run(self) -> Run:
        """What this iteration's forward runs in: training mode, the layers' state, the given arrays."""
        values = self.state.values
        given = {key: values[key] for key in self._given_keys() if key in values}
        return Run(True, self.state.layer_state, given)

    def _given_keys(self) -> list[str]:
        return self._given_key_list

    def adopt(self, params: dict[str, Params], iteration: int, label: str = "training",
              optimizer_state: OptimizerState | None = None,
              layer_state: dict[str, Params] | None = None) -> None:
        """Continue from parameters (and the optimizer's state) computed elsewhere (training):
        a fresh iteration ``iteration`` with nothing computed yet. Undo returns to the state
        before. Pass the trainer's ``optimizer_state``: without it the step count moves on
        with the iterations but the optimizer's buffers start afresh (right for plain SGD only)."""
        self._push(label)
        optim = optimizer_state if optimizer_state is not None else \
            OptimizerState(self.state.optim.step + iteration - self.state.iteration)
        kept = layer_state if layer_state is not None else self.state.layer_state
        self.state = replace(self._start(params, self.state.samples, iteration, edited=True, optim=optim,
                                         layer_state=kept, given=self.state.given),
                             rounding=self.state.rounding)

    def undo(self) -> str:
        """Restore the state before the last command; returns what was undone."""
        if not self._undo:
            raise StepError(tr("nothing to undo"))
        self.state, label, expected, rate = self._undo.pop()
        self.scenario.expected = expected
        self.scenario.learning_rate = rate
        return label

    def reset(self) -> None:
        """Back to the scenario as loaded (undoable)."""
        self._push(tr("reset"))
        loaded = self._loaded.copy()
        self.scenario.expected = dict(loaded.expected)
        self.scenario.learning_rate = loaded.learning_rate
        self.state = self._start(loaded.params, loaded.samples, 1, edited=False, optim=loaded.optimizer_state,
                                 layer_state=loaded.layer_state, given=loaded.given)

    # --- editing -----------------------------------------------------------------
    def edit(self, name: str, value: float) -> str:
        """Set one weight, bias, input or target value; drop exactly what depends on it.

        Returns a sentence saying what was cleared.
        """
        ref = parse_name(name)
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not np.isfinite(value):
            raise EditError(tr("{value!r} is not a finite number", value=value))
        kind = KINDS.get(ref.kind)  # weight, bias and the prev_ state of a layer; input and target
        editable = kind is not None and kind.editable and (kind.top or ref.layer is not None)
        if not editable:
            raise EditError(tr("{array_name} is computed, not given: {editable_words}",
                               array_name=ref.array_name, editable_words=tr(EDITABLE_WORDS)))
        shape = quantity_shape(self.network, self.batch_size, ref)
        try:
            check_index(shape, ref, require_scalar=True)
        except QuantityError as err:
            raise EditError(str(err)) from None
        if kind is not None and kind.state:
            return self._edit_start_state(ref, float(value))
        if ref.layer is not None and ref.kind not in PARAM_KINDS:
            refusal = self.network.layer(ref.layer).given_refusal(ref.kind, np.asarray([float(value)]))
            if refusal is not None:
                raise EditError(f"{ref}: {refusal}")
        if ref.kind == "target" and self.network.loss.bounded_targets:
            raise_if_bad_target(self, ref, float(value))
        self._push(tr("edit {name}", name=str(ref)))
        if ref.layer is not None:
            previous = self.value(str(ref))
        else:
            given = self.array(ref.kind)
            assert given is not None  # inputs and targets are given, never computed
            previous = float(given[ref.index])
        st = replace(self.state, edits={str(ref): previous, **self.state.edits})
        if ref.layer is not None and ref.kind not in PARAM_KINDS:  # a layer's given array: dropout's mask
            self.state = self._edited_given(st, ref, float(value))
            return tr("cleared the forward values from '{layer}' on, the backward pass and the update",
                      layer=quote(ref.layer, 24))
        if ref.layer is not None:
            layer_params = dict(st.params[ref.layer])
            arr = layer_params[ref.kind].copy()
            arr[ref.index] = value
            layer_params[ref.kind] = arr
            params = dict(st.params)
            params[ref.layer] = layer_params
            if st.unrounded is not None:  # the exact parameters take the edit too
                exact_layer = dict(st.unrounded[ref.layer])
                exact_arr = exact_layer[ref.kind].copy()
                exact_arr[ref.index] = value
                exact_layer[ref.kind] = exact_arr
                st = replace(st, unrounded={**st.unrounded, ref.layer: exact_layer})
            dropped = self.network.downstream_of(ref.layer)
            self.state = replace(st, params=params, values=self._cleared(dropped, True), edited=True)
            later = {layer.name for layer in self.network.layers[self.network.index_of(ref.layer):]}
            if dropped == later:
                return tr("cleared the forward pass from '{layer}' on, the backward pass and the update",
                          layer=ref.layer)
            after = [f"'{quote(layer.name, 24)}'" for layer in self.network.layers
                     if layer.name in dropped and layer.name != ref.layer]
            names = ", ".join(after[:6]) + (tr(", … ({n} more)", n=len(after) - 6) if len(after) > 6 else "")
            return tr("cleared the forward values of '{layer}' and of the layers that depend on it ({names}), "
                      "the backward pass and the update", layer=quote(ref.layer, 24), names=names)
        samples = self._edited_samples(ref, float(value))
        values = dict(st.values)
        key = "input" if ref.kind == "input" else "target"
        values[key] = samples.x[self.sample_indices()] if key == "input" else samples.y[self.sample_indices()]
        self.state = replace(st, samples=samples, values=values, edited=True)
        everything = {layer.name for layer in self.network.layers}
        self.state = replace(self.state, values=self._cleared(everything if key == "input" else set(), True))
        if key == "input":
            return tr("cleared the whole forward pass, the backward pass and the update")
        return tr("cleared the loss, the backward pass and the update")

    def cannot_edit(self, name: str) -> str | None:
        """Why the given value ``name`` cannot be edited now (a state buffer that has not
        started yet), or None. Names that are never editable are refused by ``edit``."""
        ref = parse_name(name)
        if ref.layer is None or not ref.kind.startswith(PREVIOUS):
            return None
        kind = ref.kind[len(PREVIOUS):]
        if self.start_buffer(ref.layer, kind) is not None:
            return None
        title = get_optimizer(self.scenario.optimizer.type).state_titles[kind.rpartition("_")[0]]
        return tr("the {title} has not started yet: the first update sets it from the gradient, as torch "
                  "does; edit it once an update has run, or give it in the file", title=tr(title))

    def _edit_start_state(self, ref: QuantityRef, value: float) -> str:
        """Set one entry of the state the update starts from; only the update depends on it."""
        assert ref.layer is not None and ref.index is not None
        kind = ref.kind[len(PREVIOUS):]
        start = self.start_buffer(ref.layer, kind)
        why = self.cannot_edit(str(ref))
        if start is None or why:
            raise EditError(why or tr("{name} cannot be edited now", name=str(ref)))
        self._push(tr("edit {name}", name=str(ref)))
        updated = self.phase().stage == "done"
        arr = np.array(start, dtype=float)  # a copy: the kept buffer is never written
        previous = float(arr[ref.index])
        arr[ref.index] = value
        optim = replace(self.state.optim, buffers={**self.state.optim.buffers, f"{ref.layer}.{kind}": arr})
        values = {key: v for key, v in self.state.values.items()
                  if key.partition(".")[2] not in UPDATE_KINDS}
        self.state = replace(self.state, optim=optim, values=values, edited=True,
                             edits={str(ref): previous, **self.state.edits})
        return tr("cleared the update, which starts from it") if updated else tr("the update starts from it")

    def choose_samples(self, first: int) -> str:
        """This iteration uses samples ``first``, ``first`` + 1 … (a batch of B, wrapping) in
        place of the ones its number gives; everything computed from the old ones is cleared.
        The next iteration goes on by its number (contract: (k−1)·B + j mod S)."""
        count = len(self.state.samples)
        if isinstance(first, bool) or not isinstance(first, int) or not 0 <= first < count:
            raise EditError(tr("there is no sample {value} (the scenario has {count}: 1 to {count})",
                               value=quote(str(first + 1 if isinstance(first, int) else first)), count=count))
        picked = tuple((first + j) % count for j in range(self.batch_size))
        self._push(tr("samples {numbers}", numbers=", ".join(str(i + 1) for i in picked)))
        samples = self.state.samples
        edits = {k: v for k, v in self.state.edits.items() if parse_name(k).layer is not None}
        values = {**self.state.values, "input": samples.x[list(picked)], "target": samples.y[list(picked)]}
        self.state = replace(self.state, picked=picked, edits=edits, values=values)
        # exactly what an edit of the input clears (a layer's given arrays stay)
        self.state = replace(self.state, values=self._cleared({layer.name for layer in self.network.layers}, True))
        return tr("cleared this iteration's forward pass, backward pass and update")

    def set_learning_rate(self, rate: float) -> str:
        """A new α (> 0, finite) for this iteration's update on; the update, if computed, is cleared."""
        if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not np.isfinite(rate) or rate <= 0:
            raise EditError(tr("learning_rate: expected a number > 0, got {rate}", rate=quote(str(rate))))
        self._push(f"α {rate:g}")
        self.scenario.learning_rate = float(rate)
        update = [f"{layer.name}.{kind}" for layer in self.network.layers for kind in self.network.kinds(layer)
                  if KINDS.get(kind) is None or KINDS[kind].stage == "update" or kind in self.network.state_kinds()]
        values = {k: v for k, v in self.state.values.items() if k not in update}
        cleared = len(values) != len(self.state.values)
        self.state = replace(self.state, values=values, edited=True)
        return tr("cleared the update") if cleared else tr("the update will use it")

    def set_expected(self, name: str, expected: Expected | None) -> None:
        """Record (or, with None, drop) a learner's hand value for one number; it is saved
        in the scenario's ``expected`` block, so the session counts as edited."""
        ref = parse_name(name)
        shape = quantity_shape(self.network, self.batch_size, ref)
        try:
            check_index(shape, ref, require_scalar=True)
        except QuantityError as err:
            raise EditError(str(err)) from None
        if expected is None and str(ref) not in self.scenario.expected:
            return
        self._push(tr("my answer for {name}", name=str(ref)))
        answers = dict(self.scenario.expected)  # a new dict: undo keeps the old one
        if expected is None:
            del answers[str(ref)]
        else:
            answers[str(ref)] = expected._replace(iteration=self.iteration)  # worked for this iteration
        self.scenario.expected = answers
        self.state = replace(self.state, edited=True)

    @property
    def hand_rounding(self) -> int | None:
        """Decimals every computed value is rounded to, or None (exact, the default)."""
        return self.state.rounding

    def set_hand_rounding(self, decimals: int | None) -> str:
        """Turn hand-rounding on (to ``decimals``) or off; the computed values are cleared,
        since every one of them changes. Undoable."""
        if decimals == self.state.rounding:
            return "unchanged"
        self._push(tr("hand-rounding on") if decimals is not None else tr("hand-rounding off"))
        given = ("input", "target", *self._given_keys())  # the sample and this iteration's masks stay
        keep = {k: v for k, v in self.state.values.items() if k in given}
        exact = self.state.unrounded if self.state.unrounded is not None else self.state.params
        params = exact if decimals is None else {
            layer: {p: round_as_shown(arr, decimals) for p, arr in ps.items()} for layer, ps in exact.items()}
        self.state = replace(self.state, rounding=decimals, values=keep, caches={}, params=params,
                             unrounded=None if decimals is None else exact)
        return hand_rounding_words(decimals) if decimals is not None else tr("hand-rounding off: exact values")

    def _rounded_as_named(self, arr: np.ndarray, name: str) -> np.ndarray:
        """``_rounded`` as the update's hook calls it (with the intermediate's name, not needed)."""
        return self._rounded(arr)

    def _rounded(self, arr: np.ndarray) -> np.ndarray:
        if self.state.rounding is None:
            return arr
        return round_as_shown(arr, self.state.rounding)

    def adopt_sample_files(self, files: Mapping[str, tuple[str, Path]]) -> None:
        """After a save, before ``mark_saved``: the npz file the saved file now names for
        ``samples`` / ``test_samples`` (``file`` as written there, its full path), set as
        loading that file would set them, so the next save refers to them instead of
        writing them again, and the recovery journal's digest covers them."""
        if "samples" in files:
            file, source = files["samples"]
            self.state = replace(self.state, samples=replace(self.state.samples, file=file, source=source))
            self.scenario.samples = self.state.samples
        if "test_samples" in files and self.scenario.test_samples is not None:
            file, source = files["test_samples"]
            self.scenario.test_samples = replace(self.scenario.test_samples, file=file, source=source)

    def mark_saved(self) -> None:
        """The scenario on disk now matches this state (after a save)."""
        self.state = replace(self.state, edited=False)
        self._loaded = self.current_scenario()

    def current_scenario(self) -> Scenario:
        """The scenario as it now stands: current parameters (the updated ones once the
        iteration is complete) and current samples, ready to save."""
        sc = self.scenario.copy()
        # a student's exercise file keeps its own numbers, the ones its answers were worked
        # for (the teacher grades them against that variant), even after the update
        done = self.phase().stage == "done" and self.scenario.exercise is None
        params = self._updated_params() if done else (self.state.unrounded or self.state.params)
        # the file starts at these parameters: only the answers worked for them go with it
        start = self.iteration + 1 if done else self.iteration
        sc.expected = {name: e._replace(iteration=1) for name, e in self.scenario.expected.items()
                       if e.iteration == start}
        sc.expected_left_out = len(self.scenario.expected) - len(sc.expected)
        sc.params = {k: dict(v) for k, v in params.items()}
        sc.samples = self.state.samples
        sc.optimizer_state = self._updated_state() if done else self.state.optim
        sc.layer_state = {k: dict(v) for k, v in (self._updated_layer_state() if done else
                                                  self.state.layer_state).items()}
        # the given arrays (dropout's masks) of the iteration the file starts at: this one's as
        # they stand (a mask edit included), or the next one's once this one is updated
        if done:
            sc.given = iteration_given(self.network, self.scenario.seed, self.iteration + 1, self.batch_size,
                                       self.state.given)
        else:
            sc.given = {key: self.state.values[key] for key in self._given_keys() if key in self.state.values}
        return sc

    # --- internals ---------------------------------------------------------------
    def _start(self, params: dict[str, Params], samples: SampleSet, iteration: int,
               edited: bool, optim: OptimizerState, layer_state: dict[str, Params] | None = None,
               given: dict[str, np.ndarray] | None = None) -> State:
        layer_state = self.scenario.layer_state if layer_state is None else layer_state
        given = self.scenario.given if given is None else given
        idx = batch_indices(iteration, self.batch_size, len(samples))
        values = {"input": samples.x[idx], "target": samples.y[idx],
                  **iteration_given(self.network, self.scenario.seed, iteration, self.batch_size, given)}
        return State(params=params, samples=samples, iteration=iteration, edited=edited,
                     values=values, optim=optim, layer_state=layer_state, given=given)

    def _edited_given(self, st: State, ref: QuantityRef, value: float) -> State:
        """One entry of a layer's given array (dropout's mask) set: this iteration's, and the
        file's too in iteration 1 (so a save keeps it); its layer's forward values and
        everything downstream are cleared."""
        assert ref.layer is not None and ref.index is not None
        key = ref.array_name
        arr = st.values[key].copy()
        arr[ref.index if self.batch_size > 1 else (0, *ref.index)] = value
        values = dict(st.values)
        values[key] = arr
        given = {**st.given, key: arr} if st.iteration == 1 else st.given
        st = replace(st, values=values, given=given, edited=True)
        self.state = st
        return replace(st, values=self._cleared(self.network.downstream_of(ref.layer), True))

    def _updated_params(self) -> dict[str, Params]:
        """The parameters after this iteration's update (new_weight, new_bias of each layer)."""
        values = self.state.values
        return {layer: {p: values[f"{layer}.new_{p}"] for p in ps} for layer, ps in self.state.params.items()}

    def _updated_state(self) -> OptimizerState:
        """The optimizer's state after this iteration's update (its buffers are values of it)."""
        values = self.state.values
        return OptimizerState(self.state.optim.step + 1,
                              {key: values[key] for key in self.network.state_names() if key in values})

    def _updated_layer_state(self) -> dict[str, Params]:
        """The layers' state after this iteration's forward (running statistics)."""
        return state_after(self.network, self.state.values)

    def _next_iteration(self) -> State:
        return replace(self._start(self._updated_params(), self.state.samples, self.state.iteration + 1,
                                   edited=True, optim=self._updated_state(),
                                   layer_state=self._updated_layer_state(), given=self.state.given),
                       rounding=self.state.rounding)

    def _push(self, label: str) -> None:
        self._undo.append((self.state, label, self.scenario.expected, self.scenario.learning_rate))
        if len(self._undo) > UNDO_LIMIT:
            del self._undo[0]

    def _forward_layer(self, i: int) -> None:
        values, caches = dict(self.state.values), dict(self.state.caches)
        self._forward_into(i, values, caches, self._run_of(values))
        self.state = replace(self.state, values=values, caches=caches)

    def _forward_rest(self) -> None:
        """Every forward step still to take, with one copy of the values (not one a layer:
        the cost stays linear in the network's size)."""
        values, caches = dict(self.state.values), dict(self.state.caches)
        run = self._run_of(values)
        i = self._first_missing(values, 0)
        while i is not None:
            self._forward_into(i, values, caches, run)
            i = self._first_missing(values, i + 1)
        if "loss" not in values:
            self._forward_into(len(self.network.layers) - 1, values, caches, run)
        self.state = replace(self.state, values=values, caches=caches)

    def _run_of(self, values: Mapping[str, np.ndarray]) -> Run:
        given = {key: values[key] for key in self._given_keys() if key in values}
        return Run(True, self.state.layer_state, given)

    def _forward_into(self, i: int, values: dict[str, np.ndarray], caches: dict[str, Any], run: Run) -> None:
        """Layer ``i``'s forward values (and the loss after the last layer) into ``values``."""
        layer = self.network.layers[i]
        if f"{layer.name}.out" not in values:
            r = self._rounded
            params = self.state.params.get(layer.name, {})
            ctx = run.context(layer)
            if self.state.rounding is not None:  # intermediates written down rounded (batch norm's μ, σ², x̂)
                ctx = ctx._replace(rounding=self._rounded_as_named)
            inputs = [values[key] for key in self.network.input_keys(layer.name)]
            result = layer.forward_in(params, inputs, ctx)
            net, out, cache = result.net, result.out, result.cache
            if self.state.rounding is not None and net is not None:
                net = r(net)
                out = layer.activate(net)  # the activation of the rounded net, as by hand
            out = r(out)
            for kind, arr in result.values.items():  # batch statistics and x̂, in the order worked by hand
                if kind not in layer.state_defaults:
                    values[f"{layer.name}.{kind}"] = r(arr)
            if net is not None:
                values[f"{layer.name}.net"] = net
            values[f"{layer.name}.out"] = out
            for kind in layer.state_defaults:  # then the running statistics it leaves for the next iteration
                values[f"{layer.name}.{kind}"] = r(result.values[kind])
            caches[layer.name] = cache
        if i == len(self.network.layers) - 1:
            out = values[f"{layer.name}.out"]
            if self.state.rounding is not None:  # by hand: the loss of the output as written (ln a of the rounded a)
                loss = self.network.loss.value(out.reshape(out.shape[0], -1), values["target"])
            else:
                loss = loss_value(self.network, values.get(f"{layer.name}.net"), out, values["target"])
            values["loss"] = self._rounded(np.asarray(loss))

    def _backward_layer(self, i: int) -> None:
        values = dict(self.state.values)
        self._backward_into(i, values)
        self.state = replace(self.state, values=values)

    def _backward_rest(self) -> None:
        """Every backward step still to take, with one copy of the values."""
        values = dict(self.state.values)
        i = self._last_without_gradient(values, len(self.network.layers) - 1)
        while i is not None:
            self._backward_into(i, values)
            i = self._last_without_gradient(values, i - 1)
        self.state = replace(self.state, values=values)

    def _backward_into(self, i: int, values: dict[str, np.ndarray]) -> None:
        """Layer ``i``'s ∂E/∂out, δ and parameter gradients into ``values``."""
        layers = self.network.layers
        layer = layers[i]
        net = values.get(f"{layer.name}.net")
        out = values[f"{layer.name}.out"]
        if i == len(layers) - 1:
            grad_out, delta = output_gradients(self.network, net, out, values["target"])
        else:
            grad_out, delta = hidden_gradients(layer, net, out, self._sent_terms(layer.name, values))
        r = self._rounded
        values[f"{layer.name}.grad_out"] = r(grad_out)
        if delta is not None:
            fused = i == len(layers) - 1 and self.network.fused is not None
            if self.state.rounding is not None and not fused:
                assert net is not None  # a layer with a δ has a net
                delta = layer.delta(net, out, values[f"{layer.name}.grad_out"])  # from the rounded ∂E/∂out
            delta = r(delta)
            values[f"{layer.name}.delta"] = delta
            if layer.has_params:
                x = values[self.network.input_keys(layer.name)[0]]
                grads = layer.param_grads(x, delta, self.state.caches.get(layer.name))
                values[f"{layer.name}.grad_weight"] = r(grads["weight"])
                values[f"{layer.name}.grad_bias"] = r(grads["bias"])

    def sent_terms(self, name: str, params: dict[str, Params] | None = None) -> list[np.ndarray]:
        """What every layer that reads ``name`` sends back to it, in file order (their sum is
        ∂E/∂out of ``name``); ``params`` overrides the forward pass's parameters."""
        return self._sent_terms(name, self.state.values, params)

    def _sent_terms(self, name: str, values: Mapping[str, np.ndarray],
                    params: dict[str, Params] | None = None) -> list[np.ndarray]:
        params = self.state.params if params is None else params
        terms = []
        for reader_name, position in self.network.readers_of(name):
            reader = self.network.layer(reader_name)
            xs = [values[key] for key in self.network.input_keys(reader_name)]
            upstream = values[f"{reader_name}.{upstream_kind(reader)}"]
            terms.append(sent_back(reader, params.get(reader_name, {}), xs, upstream,
                                   self.state.caches.get(reader_name), position))
        return terms

    def _cleared(self, dropped_layers: set[str], drop_loss: bool) -> dict[str, np.ndarray]:
        """Values minus the forward values of ``dropped_layers`` (an edited layer and every
        layer downstream of it in the graph), the loss, the whole backward pass and the
        update: exactly what depends on the edit."""
        keep: dict[str, np.ndarray] = {}
        state_kinds = set(self.network.state_kinds())
        for key, arr in self.state.values.items():
            layer, _, kind = key.partition(".")
            if key == "loss" and drop_loss:
                continue
            if kind in BACKWARD_KINDS + UPDATE_KINDS or kind in state_kinds:
                continue
            if kind in FORWARD_KINDS and layer in dropped_layers:
                continue
            keep[key] = arr
        return keep

    def _edited_samples(self, ref: QuantityRef, value: float) -> SampleSet:
        samples = self.state.samples
        assert ref.index is not None
        if self.batch_size > 1:
            sample, rest = self.sample_indices()[ref.index[0]], ref.index[1:]
        else:
            sample, rest = self.sample_indices()[0], ref.index
        if ref.kind == "input":
            x = samples.x.copy()
            x[(sample, *rest)] = value
            return replace(samples, x=x, file=None, source=None)
        y = samples.y.copy()
        y[(sample, *rest)] = value
        labels = samples.labels
        if labels is not None:
            labels = labels.copy()
            labels[sample] = -1
        return replace(samples, y=y, labels=labels, file=None, source=None)


def rounding_words(decimals: int) -> str:
    """What hand-rounding does, in the words the TUI and the exports use."""
    small = fmt(0.5 * 10.0 ** (-decimals), None)
    return tr_n("every value, the starting weights too, is rounded to {n} decimal before it is used "
                "(one of at most {small} keeps 3 significant digits)",
                "every value, the starting weights too, is rounded to {n} decimals before it is used "
                "(one of at most {small} keeps 3 significant digits)", decimals, small=small)


def hand_rounding_words(decimals: int) -> str:
    """The message of turning hand-rounding on."""
    return tr("hand-rounding on: {words}", words=rounding_words(decimals))


def raise_if_bad_target(stepper: Stepper, ref: QuantityRef, value: float) -> None:
    """Cross-entropy and binary cross-entropy targets are probabilities: an edit outside
    0…1 is refused."""
    if value < 0 or value > 1:
        raise EditError(tr("a {name} target must lie in 0…1, got {value:g}",
                           name=stepper.network.loss.name, value=value))
