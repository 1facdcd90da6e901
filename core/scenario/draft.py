"""A scenario being designed: its layers, loss and settings changed one at a time.

Every change is checked by the loader exactly as a file is (``core.scenario.load``): the
draft writes the scenario as YAML and parses it, so a change is refused with the very
message the file would get, and the draft stays as it was. A layer is written as the file
writes it, one line of flow YAML (``{name: conv, type: conv1d, filters: 2, kernel: 3,
activation: sigmoid}``); a setting is its YAML value (``0.5``, ``cross_entropy``,
``{type: sgd, momentum: 0.9}``). Parameters a layer already had are kept while their
shapes stay; new ones are drawn from the seed by the loader; a line may also give
``weight`` and ``bias`` as a file does.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from math import prod
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from core.engine.network import Network
from core.engine.scenario import Scenario
from core.errors import ScenarioError
from core.i18n import mark, tr, tr_n
from core.nn.layers import LAYER_CLASSES
from core.nn.layers.base import Layer, shape_text
from core.nn.optim import OptimizerState
from core.scenario.load import parse_network, parse_scenario
from core.scenario.save import layer_entry, settings_data
from core.scenario.yaml_source import read_yaml
from core.text import quote, said

FILE = mark("the design")  # where a design's problem is, shown with tr()
SETTINGS = ("name", "input", "samples", "loss", "learning_rate", "optimizer", "batch_size", "seed", "init")
PARAMS = ("weight", "bias")
INLINE_SAMPLES = 64  # a sample set larger than this stays in its npz file

BLANK: dict[str, Any] = {
    "format": 1,
    "name": "new network",
    "input": [1, 4],
    "samples": [{"x": [[0.0, 0.0, 0.0, 0.0]], "y": [1.0, 0.0]}],
    "layers": [{"name": "out", "type": "dense", "units": 2, "activation": "softmax"}],
    "loss": "cross_entropy",
    "learning_rate": 0.1,
    "seed": 0,
    "display": {"decimals": 3},
}


class DesignError(ScenarioError):
    """A change the loader refuses (its message, without the made-up file's line)."""


@dataclass(frozen=True)
class LayerRow:
    """One layer as the editor lists it: its line and what it makes."""

    name: str
    line: str  # its fields as one line of flow YAML
    reads: str  # the shape it reads, e.g. [1, 4]
    makes: str  # its output shape per sample, e.g. [2, 2]
    parameters: int


def flow(value: Any) -> str:
    """A value as one line of YAML flow style (``{name: fc, units: 2}``, ``[1, 4]``, ``0.5``)."""
    text = yaml.safe_dump(value, default_flow_style=True, sort_keys=False, width=1 << 20, allow_unicode=True)
    return text.strip().removesuffix("...").strip()


def _said(err: ScenarioError) -> DesignError:
    where = f"{err.field}: " if err.field else ""
    return DesignError(f"{where}{err.reason}", file=tr(FILE))


class Draft:
    """The scenario being designed; ``scenario`` is always the last one the loader accepted."""

    def __init__(self, document: dict[str, Any], scenario: Scenario) -> None:
        self.document = document  # the file's fields, without parameters or samples when they live in a file
        self.scenario = scenario
        self.notes: list[str] = []  # what the last change did besides itself (samples refitted …)

    # --- starting points -------------------------------------------------------------------
    @classmethod
    def blank(cls) -> Draft:
        """A network of one dense softmax layer on one sample of four inputs."""
        return cls.build(copy.deepcopy(BLANK), {}, None)

    @classmethod
    def from_scenario(cls, scenario: Scenario) -> Draft:
        """Any scenario as the starting point: its network, settings, samples and parameters
        (its expected values and optimizer state are not carried over: the network changes)."""
        doc: dict[str, Any] = {"format": 1, "name": scenario.name}
        if scenario.description:
            doc["description"] = scenario.description
        doc["input"] = list(scenario.input_shape)
        source = scenario.samples.source
        if source is not None and len(scenario.samples) > INLINE_SAMPLES:
            doc["samples"] = {"file": str(source)}
        else:
            doc["samples"] = _inline(scenario.samples.x, scenario.samples.y, scenario.samples.labels)
        if scenario.test_samples is not None and scenario.test_samples.source is not None:
            doc["test_samples"] = {"file": str(scenario.test_samples.source)}
        doc["layers"] = [layer_entry(spec) for spec in scenario.layer_specs]
        doc.update(settings_data(scenario, OptimizerState()))  # no optimizer state: the network changes
        return cls.build(doc, _kept(scenario), None)

    @classmethod
    def build(cls, document: dict[str, Any], kept: dict[str, dict[str, np.ndarray]],
              previous: Network | None) -> Draft:
        """The draft of ``document``, checked by the loader; DesignError if it refuses it."""
        doc = copy.deepcopy(document)
        notes: list[str] = []
        given = {layer["name"]: {p: layer.pop(p) for p in PARAMS if p in layer}
                 for layer in doc["layers"] if isinstance(layer, dict) and isinstance(layer.get("name"), str)}
        try:
            network = parse_network(_yaml(doc), tr(FILE))
            _fit_samples(doc, network, notes)
            written = copy.deepcopy(doc)
            for layer in written["layers"]:  # parameters: given in the line, else kept while they fit
                own = network.layer(layer["name"])
                shapes = own.param_shapes()
                for pname in own.param_names:
                    if pname in given.get(layer["name"], {}):
                        layer[pname] = given[layer["name"]][pname]
                    elif pname in kept.get(layer["name"], {}) and kept[layer["name"]][pname].shape == shapes[pname]:
                        layer[pname] = np.asarray(kept[layer["name"]][pname]).tolist()
                _keep_own(layer, own, kept.get(layer["name"], {}), int(written.get("batch_size", 1)))
            scenario = parse_scenario(_yaml(written), FILE, Path.cwd())
        except ScenarioError as err:
            raise _said(err) from None
        draft = cls(doc, scenario)
        draft.notes = notes
        return draft

    # --- what it shows ----------------------------------------------------------------------
    @property
    def layers(self) -> list[dict[str, Any]]:
        layers: list[dict[str, Any]] = self.document["layers"]
        return layers

    def rows(self) -> list[LayerRow]:
        network = self.scenario.network
        rows = []
        for entry, layer in zip(self.layers, network.layers):
            count = sum(prod(shape) for shape in layer.param_shapes().values())
            rows.append(LayerRow(layer.name, flow(entry), shape_text(layer.in_shape), shape_text(layer.out_shape),
                                 count))
        return rows

    def setting(self, name: str) -> str:
        """A setting's YAML value as the editor shows it (a sample file by its name)."""
        if name == "optimizer":
            return flow(self.document.get("optimizer", {"type": "sgd"}))
        value = self.document.get(name)
        if name == "samples" and isinstance(value, dict):
            return flow({"file": Path(str(value.get("file"))).name})
        return "~" if value is None else flow(value)

    @property
    def parameters(self) -> int:
        return sum(row.parameters for row in self.rows())

    def kept(self) -> dict[str, dict[str, np.ndarray]]:
        return _kept(self.scenario)

    # --- changes: each returns the new draft (this one is left as it was) ---------------------
    def with_layer(self, i: int, line: str) -> Draft:
        """Layer ``i`` written anew from its line."""
        layers = list(self.layers)
        layers[i] = _layer_from(line, f"layers[{i}]")
        return self._changed(layers=layers)

    def with_new_layer(self, after: int, kind: str = "dense") -> Draft:
        """A new layer of type ``kind`` after layer ``after`` (−1: first), with a fresh name."""
        taken = {layer.get("name") for layer in self.layers}
        number = 1
        while f"{kind}{number}" in taken:
            number += 1
        starting = LAYER_CLASSES[kind].starting_fields() if kind in LAYER_CLASSES else {}  # else the loader refuses it
        entry = {"name": f"{kind}{number}", "type": kind, **starting}
        layers = list(self.layers)
        layers.insert(after + 1, entry)
        return self._changed(layers=layers)

    def without_layer(self, i: int) -> Draft:
        if len(self.layers) == 1:
            raise DesignError(tr("a network needs at least one layer"), file=tr(FILE))
        layers = list(self.layers)
        del layers[i]
        return self._changed(layers=layers)

    def with_layer_moved(self, i: int, delta: int) -> Draft:
        j = i + delta
        if not 0 <= j < len(self.layers):
            raise DesignError(tr("the layer is already at that end"), file=tr(FILE))
        layers = list(self.layers)
        layers[i], layers[j] = layers[j], layers[i]
        return self._changed(layers=layers)

    def with_setting(self, name: str, text: str) -> Draft:
        """A setting (``loss``, ``learning_rate``, ``optimizer`` …) from its YAML value."""
        if name not in SETTINGS:
            raise DesignError(tr("unknown setting {name} (expected one of: {settings})",
                                 name=said(name), settings=', '.join(SETTINGS)), file=tr(FILE))
        value = _value(text, name)
        doc = copy.deepcopy(self.document)
        if value is None and name not in ("seed", "init"):
            raise DesignError(tr("{name}: a value is needed", name=name), file=tr(FILE))
        if value is None:
            doc.pop(name, None)
        elif name == "samples" and isinstance(value, dict) and set(value) == {"file"}:
            doc[name] = {"file": str(Path(str(value["file"])).expanduser().resolve())}
        else:
            doc[name] = value
        return Draft.build(doc, self.kept(), self.scenario.network)

    def _changed(self, layers: list[dict[str, Any]]) -> Draft:
        doc = copy.deepcopy(self.document)
        doc["layers"] = layers
        return Draft.build(doc, self.kept(), self.scenario.network)


def _yaml(doc: dict[str, Any]) -> str:
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100)


def _value(text: str, field: str) -> Any:
    """A YAML value typed by the learner; a syntax fault is said as the loader says it."""
    try:
        doc = read_yaml(f"value: {text.strip() or '~'}\n", tr(FILE))
    except ScenarioError as err:
        raise DesignError(f"{field}: {err.reason}", file=tr(FILE)) from None
    data = doc.data
    if not isinstance(data, dict) or set(data) != {"value"}:
        raise DesignError(tr("{field}: expected one value, got {text}", field=field, text=quote(text)), file=tr(FILE))
    return data["value"]


def _layer_from(line: str, path: str) -> dict[str, Any]:
    value = _value(line, path)
    if not isinstance(value, dict):
        raise DesignError(tr("{path}: expected a layer written as a file writes it, like {{name: fc, type: dense, "
                             "units: 2, activation: relu}}", path=path), file=tr(FILE))
    return value


def _inline(x: np.ndarray, y: np.ndarray, labels: np.ndarray | None) -> list[dict[str, Any]]:
    samples = []
    for i in range(x.shape[0]):
        sample: dict[str, Any] = {"x": x[i].tolist()}
        if labels is not None and labels[i] >= 0:
            sample["label"] = int(labels[i])
        else:
            sample["y"] = y[i].tolist()
        samples.append(sample)
    return samples


def _fit_samples(doc: dict[str, Any], network: Network, notes: list[str]) -> None:
    """Samples written in the design that no longer fit the network's input or output are
    set to zeros (targets: the first class, for a loss over a distribution) and said so."""
    samples = doc.get("samples")
    if not isinstance(samples, list):
        return
    shape, outputs = network.input_shape, network.output_size
    fitted, changed = [], False
    for sample in samples:
        if not isinstance(sample, dict):
            return  # the loader will say what is wrong with it
        x = sample.get("x")
        entry = dict(sample)
        if np.shape(np.asarray(x, dtype=object)) != shape:
            entry["x"] = np.zeros(shape).tolist()
            changed = True
        if "label" in entry:
            if not isinstance(entry["label"], int) or not 0 <= entry["label"] < outputs:
                entry.pop("label")
                entry["y"] = _first_class(outputs, network)
                changed = True
        elif np.shape(np.asarray(entry.get("y"), dtype=object)) != (outputs,):
            entry["y"] = _first_class(outputs, network)
            changed = True
        fitted.append(entry)
    if changed:
        doc["samples"] = fitted
        notes.append(tr_n("the samples were set to fit the network: inputs {shape} (zeros where they did not "
                          "fit), {n} target value", "the samples were set to fit the network: inputs {shape} "
                          "(zeros where they did not fit), {n} target values", outputs, shape=shape_text(shape)))


def _first_class(outputs: int, network: Network) -> list[float]:
    y = [0.0] * outputs
    if network.loss.distribution or outputs > 1:
        y[0] = 1.0
    return y


def _kept(scenario: Scenario) -> dict[str, dict[str, np.ndarray]]:
    """What a change keeps of each layer while it still fits: its parameters, its state
    (batch norm's running statistics) and iteration 1's given arrays as a file writes them
    (dropout's mask: [B, *in], or [*in] when the batch is one sample)."""
    kept = {name: dict(p) for name, p in scenario.params.items()}
    for name, state in scenario.layer_state.items():
        kept.setdefault(name, {}).update(state)
    for key, arr in scenario.given.items():
        name, _, kind = key.partition(".")
        kept.setdefault(name, {})[kind] = arr[0] if scenario.batch_size == 1 else arr
    return kept


def _keep_own(entry: dict[str, Any], layer: Layer, kept: dict[str, np.ndarray], batch: int) -> None:
    """Put a layer's kept state and given arrays back in its file entry where their shapes
    still fit (a changed layer starts them anew, as a file that leaves them out does)."""
    for kind, start in layer.initial_state().items():
        if kind in kept and kept[kind].shape == np.shape(start):
            entry[kind] = kept[kind].tolist()
    for kind in layer.given_kinds:
        shape = (batch, *layer.in_shape) if batch > 1 else layer.in_shape
        if kind in kept and kept[kind].shape == shape:
            entry[kind] = kept[kind].tolist()
