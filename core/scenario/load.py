"""Read and validate a scenario file; every fault is one message naming file, line, field.

Validation runs top to bottom in the order a reader checks a file: the settings, the
input shape, the layers (types, fields, shapes that fit), the parameters, the samples
and finally the expected values, so the first fault found is the one reported.
"""

from __future__ import annotations

import math
import os
import re
from pathlib import Path
from typing import Any

import numpy as np

from core.engine.network import Network, build_network, shape_text
from core.engine.quantities import QuantityRef, parse_name
from core.engine.scenario import FORMAT, INITS, REVEALS, Exercise, Expected, SampleSet, Scenario, student_id_problem
from core.errors import UNNAMED, EditError, QuantityError, ScenarioError
from core.i18n import tr
from core.nn.activations import ACTIVATION_FIELDS, ACTIVATIONS
from core.nn.initialise import initial_params
from core.nn.layers import LAYER_TYPES, layer_class
from core.nn.losses import LOSSES, get_loss
from core.nn.optim import OptimizerConfig, OptimizerState, get_optimizer, parse_optimizer
from core.numbers import written_decimals
from core.scenario import parsed_cache
from core.scenario.budget import MAX_NAME, MAX_SIZE, MAX_YAML_BYTES, BudgetError, check_network, check_samples
from core.scenario.document import Path as YPath
from core.scenario.document import YamlDocument, format_path
from core.scenario.npz import NpzError, read_npz
from core.scenario.read_file import read_limited, shown_path
from core.text import describe, quote, said, short

TOP_FIELDS = ("format", "name", "description", "input", "samples", "test_samples", "layers", "loss",
              "learning_rate", "optimizer", "batch_size", "seed", "init", "display", "exercise", "expected")
REQUIRED = ("format", "name", "input", "samples", "layers", "loss", "learning_rate")
_COMMON = ("name", "type", "inputs")
_PARAM = ("weight", "bias", "frozen", "init")
_ACTIVATION_FIELDS = tuple(dict.fromkeys(f for fields in ACTIVATION_FIELDS.values() for f in fields))


def layer_fields(kind: str) -> tuple[str, ...]:
    """Every field a layer of type ``kind`` may have, from its class's declarations."""
    cls = layer_class(kind)
    fields = _COMMON + tuple(f.name for f in cls.fields)
    if cls.activated:
        fields += ("activation",)
    if cls.param_names:
        fields += _PARAM
    if cls.activated:
        fields += _ACTIVATION_FIELDS
    return fields + tuple(cls.state_defaults) + cls.given_kinds  # running statistics, dropout's mask


LAYER_FIELDS = {kind: layer_fields(kind) for kind in LAYER_TYPES}
_LAYER_NAME = re.compile(r"[a-z][a-z0-9_]*")
_RESERVED = ("input", "target", "loss")


def _choices(items: tuple[str, ...] | list[str]) -> str:
    return ", ".join(items)


class _Reader:
    """Typed field access over one YAML document; faults carry the field's line."""

    def __init__(self, doc: YamlDocument, file: str, base_dir: Path) -> None:
        self.doc = doc
        self.file = file
        self.base_dir = base_dir
        self.initialised: set[str] = set()  # parameters the file leaves out (seeded)
        self.sample_values = 0  # values of the sample sets read so far (for the budget)

    def fail(self, path: YPath, message: str) -> ScenarioError:
        return ScenarioError(message, file=self.file, line=self.doc.line_of(path),
                             field=format_path(path) or None)

    def mapping(self, value: Any, path: YPath, what: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(path, tr("expected {what} (a mapping of fields), got {value}",
                                     what=what, value=describe(value)))
        return value

    def known_fields(self, value: dict[str, Any], allowed: tuple[str, ...], path: YPath, what: str) -> None:
        for key in value:
            if key not in allowed:
                raise self.fail(path + (key,), tr("unknown field {key} for {what} (expected one of: {allowed})",
                                                  key=said(key), what=what, allowed=_choices(allowed)))

    def integer(self, value: Any, path: YPath, minimum: int | None = None,
                maximum: int | None = MAX_SIZE) -> int:
        """A whole number; sizes are bounded so a typo cannot ask for terabytes."""
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(path, tr("expected a whole number, got {value}", value=describe(value)))
        if minimum is not None and value < minimum:
            raise self.fail(path, tr("expected a whole number ≥ {minimum}, got {value}",
                                     minimum=minimum, value=short(value)))
        if maximum is not None and value > maximum:
            raise self.fail(path, tr("expected a whole number ≤ {maximum:,}, got {value}",
                                     maximum=maximum, value=short(value)))
        return value

    def number(self, value: Any, path: YPath) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.fail(path, tr("expected a number, got {value}", value=describe(value)))
        if not _finite(value):
            raise self.fail(path, tr("expected a finite number of sensible size, got {value}", value=short(value)))
        return float(value)

    def choice(self, value: Any, path: YPath, options: tuple[str, ...], what: str) -> str:
        if not isinstance(value, str) or value not in options:
            raise self.fail(path, tr("unknown {what} {value} (expected one of: {options})",
                                     what=what, value=said(value), options=_choices(options)))
        return value

    def int_or_pair(self, value: Any, path: YPath, dims: int, minimum: int) -> int | tuple[int, int]:
        if dims == 2 and isinstance(value, list):
            if len(value) != 2:
                raise self.fail(path, tr("expected one whole number or [height, width], got {n} values", n=len(value)))
            return (self.integer(value[0], path + (0,), minimum), self.integer(value[1], path + (1,), minimum))
        if dims == 1 and isinstance(value, list):
            raise self.fail(path, tr("expected one whole number for a 1-D layer"))
        return self.integer(value, path, minimum)

    def array(self, value: Any, path: YPath, shape: tuple[int, ...], what: str) -> np.ndarray:
        """A nested list of finite numbers with exactly ``shape``."""
        self._check_nested(value, path, shape, what, shape)
        return np.array(value, dtype=np.float64).reshape(shape)

    def _check_nested(self, value: Any, path: YPath, shape: tuple[int, ...], what: str,
                      full: tuple[int, ...]) -> None:
        if not shape:
            self.number(value, path)
            return
        if not isinstance(value, list):
            raise self.fail(path, tr("{what} must have shape {full} (nested lists), got {value} at depth {depth}",
                                     what=what, full=shape_text(full), value=describe(value),
                                     depth=len(full) - len(shape)))
        if len(value) != shape[0]:
            raise self.fail(path, tr("{what} must have shape {full}, but a list here has {n} entries instead of "
                                     "{wanted}", what=what, full=shape_text(full), n=len(value), wanted=shape[0]))
        if len(shape) == 1:
            for i, item in enumerate(value):
                if isinstance(item, bool) or not isinstance(item, (int, float)):
                    if isinstance(item, list):
                        raise self.fail(path + (i,), tr("{what} must have shape {full}: found a list where a "
                                                        "number belongs", what=what, full=shape_text(full)))
                    raise self.fail(path + (i,), tr("expected a number in {what}, got {item}",
                                                    what=what, item=describe(item)))
                if not _finite(item):
                    raise self.fail(path + (i,), tr("{what} holds a non-finite or huge number ({item})",
                                                    what=what, item=short(item)))
            return
        for i, item in enumerate(value):
            self._check_nested(item, path + (i,), shape[1:], what, full)


def _finite(value: int | float) -> bool:
    """A finite number that fits a float (a 400-digit integer does not)."""
    try:
        return math.isfinite(float(value))
    except OverflowError:
        return False


def load_scenario(path: str | os.PathLike[str]) -> Scenario:
    """Load and validate a scenario file (a regular file of at most 10 MB of UTF-8 YAML)."""
    path = Path(path)
    file = shown_path(path)
    data = read_limited(path, MAX_YAML_BYTES, tr("a scenario file"))
    if data is None:
        raise ScenarioError(tr("the file is over the 10 MB limit for YAML: put the samples in an npz file "
                               "(samples: {{file: data.npz}}) and keep the YAML small"), file=file)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ScenarioError(tr("not a text file (expected UTF-8 YAML)"), file=file) from None
    # npz paths are relative to the folder of the file itself: a symbolic link's target's (as saving writes them)
    scenario = parse_scenario(text, file=file, base_dir=Path(os.path.realpath(path)).parent, cache=True)
    scenario.path = path
    return scenario


def _learning_rate(r: _Reader, data: dict[str, Any]) -> float:
    learning_rate = r.number(data["learning_rate"], ("learning_rate",))
    if learning_rate <= 0:
        raise r.fail(("learning_rate",), tr("expected a number > 0, got {learning_rate}",
                                            learning_rate=data['learning_rate']))
    return learning_rate


def check_learning_rate(text: str) -> float:
    """A learning rate typed by a learner (``0.25``, ``1e-2``), read and checked exactly as a
    file's ``learning_rate:`` is, with the same messages."""
    from core.scenario.yaml_source import read_yaml

    try:
        doc = read_yaml(f"learning_rate: {text.strip() or '~'}\n", "α")
        r = _Reader(doc, "α", Path.cwd())
        data = r.mapping(doc.data, (), tr("a learning rate"))
        if set(data) != {"learning_rate"}:
            raise r.fail(("learning_rate",), tr("expected a number, got {text}", text=said(text)))
        return _learning_rate(r, data)
    except ScenarioError as err:  # the file's message, without the made-up file's name and line
        message = err.reason if err.field else tr("expected a number, got {text}", text=said(text))
        raise EditError(f"learning_rate: {message}") from None


def _read_document(text: str, file: str, base_dir: Path | None, cache: bool = False
                   ) -> tuple[_Reader, dict[str, Any]]:
    """The document of ``text`` read and its top level checked; ``cache``: a file's text, whose
    document the parsed cache keeps (and gives back the next time, without PyYAML)."""
    if len(text.encode("utf-8")) > MAX_YAML_BYTES:
        raise ScenarioError(tr("over the 10 MB limit for YAML: put the samples in an npz file"), file=file)
    doc = parsed_cache.cached(text) if cache else None
    if doc is None:
        from core.scenario.yaml_source import read_yaml  # (PyYAML: not for a file read before)

        doc = read_yaml(text, file)
        if cache:
            parsed_cache.keep(text, doc)  # before the checks below read it
    r = _Reader(doc, file, base_dir or Path.cwd())
    data = r.mapping(doc.data, (), tr("a scenario"))
    r.known_fields(data, TOP_FIELDS, (), tr("a scenario"))
    for key in REQUIRED:
        if key not in data:
            raise r.fail((), tr("the required field '{key}' is missing (a scenario needs: {required})",
                                key=key, required=_choices(REQUIRED)))
    if type(data["format"]) is not int or data["format"] != FORMAT:
        given = data["format"]
        shown = short(given) if type(given) in (int, float) else said(given)
        raise r.fail(("format",), tr("format {shown} is not supported (this cnn-tui reads format {format})",
                                     shown=shown, format=FORMAT))
    return r, data


def _head(r: _Reader, data: dict[str, Any]) -> dict[str, Any]:
    """Everything but the parameters and the samples, checked in the file's order."""
    name = data["name"]
    if not isinstance(name, str) or not name.strip():
        raise r.fail(("name",), tr("expected a non-empty title, got {name}", name=describe(name)))
    description = data.get("description")
    description = "" if description is None else description
    if not isinstance(description, str):
        raise r.fail(("description",), tr("expected text, got {description}", description=describe(description)))
    loss = r.choice(data["loss"], ("loss",), LOSSES, "loss")
    learning_rate = _learning_rate(r, data)
    batch_size = r.integer(data.get("batch_size", 1), ("batch_size",), 1)
    seed = None if data.get("seed") is None else r.integer(data["seed"], ("seed",), 0, 2**63 - 1)
    init = None if data.get("init") is None else r.choice(data["init"], ("init",), INITS, "init")
    decimals = _display(r, data)
    input_shape = _input_shape(r, data["input"])
    optimizer, step = _optimizer(r, data)
    kept = get_optimizer(optimizer.type).kept_kinds(optimizer.options)
    specs = _layer_specs(r, data["layers"], kept)
    network = _network(r, input_shape, specs, loss, batch_size, kept)
    return {"name": name.strip(), "description": description, "loss": loss, "learning_rate": learning_rate,
            "batch_size": batch_size, "seed": seed, "init": init, "decimals": decimals,
            "input_shape": input_shape, "optimizer": optimizer, "step": step, "specs": specs, "network": network}


def parse_network(text: str, file: str = UNNAMED) -> Network:
    """The network a scenario's YAML ``text`` describes, checked exactly as ``parse_scenario``
    checks it (same order, same messages), without reading its parameters or samples: a
    network editor asks it for the shapes before it fits the samples to them."""
    r, data = _read_document(text, file, None)
    network: Network = _head(r, data)["network"]
    return network


def parse_scenario(text: str, file: str = UNNAMED, base_dir: Path | None = None, cache: bool = False) -> Scenario:
    """Validate scenario YAML ``text``; relative npz paths resolve against ``base_dir``.
    ``cache``: keep (or take) its parsed document in the parsed cache (a file's text)."""
    r, data = _read_document(text, file, base_dir, cache)
    head = _head(r, data)
    name, description, loss, learning_rate = head["name"], head["description"], head["loss"], head["learning_rate"]
    batch_size, seed, init, decimals = head["batch_size"], head["seed"], head["init"], head["decimals"]
    input_shape, optimizer, step, specs = head["input_shape"], head["optimizer"], head["step"], head["specs"]
    network = head["network"]
    params = _params(r, data["layers"], network, seed, init)
    layer_state = _layer_state(r, data["layers"], network)
    given = _given(r, data["layers"], network, batch_size)
    optimizer_state = OptimizerState(step, _optimizer_buffers(r, data["layers"], network))
    samples = _samples(r, data["samples"], ("samples",), network, loss)
    test_samples = None
    if data.get("test_samples") is not None:
        test_samples = _samples(r, data["test_samples"], ("test_samples",), network, loss)
    scenario = Scenario(name=name, description=description, input_shape=input_shape,
                        layer_specs=specs, params=params, samples=samples, loss=loss,
                        learning_rate=learning_rate, network=network, batch_size=batch_size,
                        seed=seed, init=init, decimals=decimals, test_samples=test_samples,
                        optimizer=optimizer, optimizer_state=optimizer_state, layer_state=layer_state,
                        given=given)
    scenario.exercise = _exercise(r, data.get("exercise"), scenario)
    scenario.expected = _expected(r, data.get("expected"), scenario)
    scenario.initialised = frozenset(r.initialised)
    return scenario


def _network(r: _Reader, input_shape: tuple[int, ...], specs: list[dict[str, Any]], loss: str,
             batch_size: int, optimizer_kinds: tuple[str, ...]) -> Network:
    """Check the budget from the specs alone, then build the layers (and their window tables)."""
    try:
        check_network(input_shape, specs, batch_size)
    except BudgetError as err:
        raise r.fail(err.field, err.message) from None
    try:
        network = build_network(input_shape, specs, loss, optimizer_kinds)
    except ScenarioError as err:
        raise r.fail(_parse_field(err.field), err.reason) from None
    for i, layer in enumerate(network.layers):
        refusal = layer.batch_refusal(batch_size)
        if refusal is not None:
            raise r.fail(("layers", i), refusal)
    return network


def _layer_state(r: _Reader, raw_layers: list[Any], network: Network) -> dict[str, dict[str, np.ndarray]]:
    """Each layer's state kept across iterations (batch norm's running statistics): as the
    file gives it, else the layer's default."""
    state: dict[str, dict[str, np.ndarray]] = {}
    for i, layer in enumerate(network.layers):
        if not layer.state_defaults:
            continue
        kinds = layer.initial_state()
        for kind, shape in layer.state_shapes().items():
            if kind in raw_layers[i]:
                kinds[kind] = r.array(raw_layers[i][kind], ("layers", i, kind), shape, f"{layer.name}.{kind}")
                refusal = layer.given_refusal(kind, kinds[kind])
                if refusal is not None:
                    raise r.fail(("layers", i, kind), f"{layer.name}.{kind}: {refusal}")
        state[layer.name] = kinds
    return state


def _given(r: _Reader, raw_layers: list[Any], network: Network, batch_size: int) -> dict[str, np.ndarray]:
    """Iteration 1's given arrays a file gives (dropout's ``mask``: [B, *in], or [*in] when
    batch_size is 1), kept with a batch axis."""
    given: dict[str, np.ndarray] = {}
    for i, layer in enumerate(network.layers):
        for kind in layer.given_kinds:
            if kind not in raw_layers[i]:
                continue
            shape = layer.own_kinds()[kind]
            full = (batch_size, *shape) if batch_size > 1 else shape
            arr = r.array(raw_layers[i][kind], ("layers", i, kind), full, f"{layer.name}.{kind}")
            refusal = layer.given_refusal(kind, arr)
            if refusal is not None:
                raise r.fail(("layers", i, kind), f"{layer.name}.{kind}: {refusal}")
            given[f"{layer.name}.{kind}"] = arr.reshape((batch_size, *shape))
    return given


def _parse_field(field: str | None) -> YPath:
    """``layers[2].kernel`` → ``('layers', 2, 'kernel')``."""
    if not field:
        return ()
    parts: list[str | int] = []
    for token in re.finditer(r"([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]", field):
        parts.append(token.group(1) if token.group(1) else int(token.group(2)))
    return tuple(parts)


def _display(r: _Reader, data: dict[str, Any]) -> int:
    display = data.get("display")
    if display is None:
        return 3
    display = r.mapping(display, ("display",), tr("display settings"))
    r.known_fields(display, ("decimals",), ("display",), "display")
    decimals = r.integer(display.get("decimals", 3), ("display", "decimals"), 0)
    if decimals > 15:
        raise r.fail(("display", "decimals"), tr("expected 0 to 15 decimals, got {decimals}", decimals=decimals))
    return decimals


def _input_shape(r: _Reader, value: Any) -> tuple[int, ...]:
    path = ("input",)
    if not isinstance(value, list) or not 1 <= len(value) <= 3:
        raise r.fail(path, tr("expected the shape of one sample: [features], [channels, length] or [channels, "
                              "height, width], got {value}", value=describe(value)))
    return tuple(r.integer(v, path + (i,), 1) for i, v in enumerate(value))


def _optimizer(r: _Reader, data: dict[str, Any]) -> tuple[OptimizerConfig, int]:
    """The ``optimizer:`` mapping (default plain SGD) and the updates already taken."""
    if data.get("optimizer") is not None:
        r.mapping(data["optimizer"], ("optimizer",), tr("optimizer settings"))
    try:
        return parse_optimizer(data.get("optimizer"))
    except ScenarioError as err:
        raise r.fail(_parse_field(err.field), err.reason) from None


def _optimizer_buffers(r: _Reader, raw_layers: list[Any], network: Network) -> dict[str, np.ndarray]:
    """Starting optimizer state given in the layers' mappings (``momentum_buffer_weight: …``)."""
    buffers: dict[str, np.ndarray] = {}
    for i, layer in enumerate(network.layers):
        for kind in network.optimizer_kinds:
            for pname, shape in layer.param_shapes().items():
                key = f"{kind}_{pname}"
                if key not in raw_layers[i]:
                    continue
                if pname in layer.frozen:
                    raise r.fail(("layers", i, key), tr("{pname} is frozen, so it has no optimizer state",
                                                        pname=pname))
                buffers[f"{layer.name}.{key}"] = r.array(raw_layers[i][key], ("layers", i, key), shape,
                                                         f"{layer.name}.{key}")
    return buffers


def _layer_specs(r: _Reader, value: Any, optimizer_kinds: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """The layers' specs; a layer with parameters may also give the optimizer's starting
    state (``momentum_buffer_weight``), read later by ``_optimizer_buffers``."""
    path: YPath = ("layers",)
    if not isinstance(value, list) or not value:
        raise r.fail(path, tr("expected a list of one or more layers, got {value}", value=describe(value)))
    counts: dict[str, int] = {}
    names: set[str] = set()
    specs = []
    for i, raw in enumerate(value):
        lp = path + (i,)
        raw = r.mapping(raw, lp, tr("a layer"))
        if "type" not in raw:
            raise r.fail(lp, tr("the layer has no 'type' (expected one of: {layer_types})",
                                layer_types=_choices(LAYER_TYPES)))
        kind = r.choice(raw["type"], lp + ("type",), LAYER_TYPES, tr("layer type"))
        state_fields = tuple(f"{k}_{p}" for k in optimizer_kinds for p in layer_class(kind).param_names)
        r.known_fields(raw, LAYER_FIELDS[kind] + state_fields, lp, tr("a {kind} layer", kind=kind))
        counts[kind] = counts.get(kind, 0) + 1
        name = raw.get("name", f"{kind}{counts[kind]}")
        if not isinstance(name, str) or not _LAYER_NAME.fullmatch(name) or name in _RESERVED:
            raise r.fail(lp + ("name",), tr("invalid layer name {name} (expected lower-case letters, digits and _, "
                                            "starting with a letter; not input, target or loss)", name=said(name)))
        if name in names:
            raise r.fail(lp + ("name",), tr("the layer name '{name}' is used twice", name=name))
        names.add(name)
        spec: dict[str, Any] = {"name": name, "type": kind}
        if "inputs" in raw:
            spec["inputs"] = _layer_inputs(r, raw["inputs"], lp + ("inputs",))
        elif layer_class(kind).min_inputs > 1:
            raise r.fail(lp, tr("an {kind} layer needs 'inputs' (two or more layer names, or input)", kind=kind))
        _own_fields(r, raw, lp, kind, spec)
        if layer_class(kind).activated:
            spec["activation"] = r.choice(raw.get("activation", "linear"), lp + ("activation",),
                                          ACTIVATIONS, "activation")
            _activation_settings(r, raw, lp, spec)
        if layer_class(kind).param_names:
            frozen = raw.get("frozen", []) or []
            if not isinstance(frozen, list) or any(f not in ("weight", "bias") for f in frozen):
                wrong = next((f for f in frozen if f not in ("weight", "bias")), None) \
                    if isinstance(frozen, list) else frozen
                raise r.fail(lp + ("frozen",), tr("expected a list of parameters to freeze: [weight], [bias] or "
                                                  "[weight, bias], got {wrong}", wrong=said(wrong)))
            spec["frozen"] = sorted(set(frozen), key=("weight", "bias").index)
            if raw.get("init") is not None:
                spec["init"] = r.choice(raw["init"], lp + ("init",), INITS, "init")
        specs.append(spec)
    return specs


def _layer_inputs(r: _Reader, value: Any, path: YPath) -> list[str]:
    """A layer's ``inputs``: a list of layer names or ``input`` (one name may be written
    alone). Whether each name exists and comes earlier is the network's to check."""
    names = [value] if isinstance(value, str) else value
    if not isinstance(names, list) or not names:
        raise r.fail(path, tr("expected a list of the layer names this layer reads (or input), got {value}",
                              value=describe(value)))
    for i, name in enumerate(names):
        if not isinstance(name, str) or not _LAYER_NAME.fullmatch(name):
            where = path + (i,) if isinstance(value, list) else path
            raise r.fail(where, tr("expected a layer name (or input), got {name}", name=describe(name)))
    return list(names)


def _own_fields(r: _Reader, raw: dict[str, Any], lp: YPath, kind: str, spec: dict[str, Any]) -> None:
    """The layer type's own fields (units, kernel, stride …), validated as its class declares them."""
    fields = layer_class(kind).fields
    for f in fields:
        if f.required and f.name not in raw:
            raise r.fail(lp, tr("a {kind} layer needs '{field}'", kind=kind, field=f.name)
                         + (f" ({tr(f.hint)})" if f.hint else ""))
    dims = 1 if kind.endswith("1d") else 2
    for f in fields:
        if f.name in raw:
            value = raw[f.name]
        elif isinstance(f.default, str) and f.default.startswith("="):
            value = raw[f.default[1:]]  # e.g. a pool's stride: its size as written
        elif f.default is None:
            continue
        else:
            value = f.default
        fp = lp + (f.name,)
        if f.kind == "number":
            spec[f.name] = _bounded(r, value, fp, f)
        elif f.kind == "count":
            spec[f.name] = r.integer(value, fp, 1)
        else:
            spec[f.name] = r.int_or_pair(value, fp, dims, 1 if f.kind == "size" else 0)


def _bounded(r: _Reader, value: Any, path: YPath, f: Any) -> float:
    """A number field within the range its layer declares (``momentum`` in [0, 1], ``p`` in [0, 1))."""
    number = r.number(value, path)
    low_ok = f.low is None or (number > f.low if f.low_open else number >= f.low)
    high_ok = f.high is None or (number < f.high if f.high_open else number <= f.high)
    if not (low_ok and high_ok):
        low = "" if f.low is None else ("(" if f.low_open else "[") + short(f.low)
        high = "" if f.high is None else short(f.high) + (")" if f.high_open else "]")
        where = f"in {low}, {high}" if f.low is not None and f.high is not None else \
            (f"> {short(f.low)}" if f.low_open else f"≥ {short(f.low)}") if f.low is not None else \
            (f"< {short(f.high)}" if f.high_open else f"≤ {short(f.high)}")
        raise r.fail(path, tr("'{name}' must be a number {where}, got {value}",
                              name=f.name, where=where, value=short(value)))
    return number


def _activation_settings(r: _Reader, raw: dict[str, Any], lp: YPath, spec: dict[str, Any]) -> None:
    """The chosen activation's own fields (leaky_relu's negative_slope); another's is refused."""
    own = ACTIVATION_FIELDS[spec["activation"]]
    for key in _ACTIVATION_FIELDS:
        if key not in raw:
            continue
        if key not in own:
            users = ", ".join(name for name, fields in ACTIVATION_FIELDS.items() if key in fields)
            raise r.fail(lp + (key,), tr("'{key}' belongs to the {users} activation, not to {activation}",
                                         key=key, users=users, activation=spec['activation']))
        spec[key] = r.number(raw[key], lp + (key,))


def _params(r: _Reader, raw_layers: list[Any], network: Network, seed: int | None,
            init: str | None) -> dict[str, dict[str, np.ndarray]]:
    params: dict[str, dict[str, np.ndarray]] = {}
    rng = None  # made when a parameter is missing: importing numpy.random costs ~9 ms at start-up
    for i, layer in enumerate(network.layers):
        if not layer.has_params:
            continue
        given = {}
        for pname, shape in layer.param_shapes().items():
            if pname in raw_layers[i]:
                given[pname] = r.array(raw_layers[i][pname], ("layers", i, pname), shape,
                                       f"{layer.name}.{pname}")
        if rng is None and len(given) < len(layer.param_shapes()):
            rng = np.random.default_rng(seed if seed is not None else 0)
        params[layer.name] = initial_params(layer, given, rng, raw_layers[i].get("init") or init)
        r.initialised.update(f"{layer.name}.{p}" for p in layer.param_shapes() if p not in given)
    return params


def _samples(r: _Reader, value: Any, path: YPath, network: Network, loss: str) -> SampleSet:
    outputs = network.output_size
    if isinstance(value, dict):
        r.known_fields(value, ("file",), path, tr("a samples file reference"))
        if not isinstance(value.get("file"), str):
            raise r.fail(path + ("file",), tr("expected the path of an npz file with arrays x and y"))
        samples = _npz_samples(r, value["file"], path + ("file",), network)
    else:
        if not isinstance(value, list) or not value:
            raise r.fail(path, tr("expected a list of one or more samples (each with x and y or label), or {{file: "
                                  "data.npz}}, got {value}", value=describe(value)))
        _sample_budget(r, path, len(value), network)
        xs, ys, labels = [], [], []
        for i, raw in enumerate(value):
            sp = path + (i,)
            raw = r.mapping(raw, sp, tr("a sample"))
            r.known_fields(raw, ("x", "y", "label"), sp, tr("a sample"))
            if "x" not in raw:
                raise r.fail(sp, tr("the sample has no input 'x'"))
            xs.append(r.array(raw["x"], sp + ("x",), network.input_shape, tr("the input x")))
            if ("y" in raw) == ("label" in raw):
                raise r.fail(sp, tr("give the sample either a target 'y' or a class 'label', not both") if "y" in raw
                             else tr("give the sample either a target 'y' or a class 'label', not neither"))
            if "y" in raw:
                if not isinstance(raw["y"], list) or len(raw["y"]) != outputs:
                    got = len(raw["y"]) if isinstance(raw["y"], list) else describe(raw["y"])
                    raise r.fail(sp + ("y",), tr("the target must have {outputs} values (the outputs of layer "
                                                 "'{name}'), got {got}",
                                                 outputs=outputs, name=network.layers[-1].name, got=got))
                ys.append(r.array(raw["y"], sp + ("y",), (outputs,), tr("the target y")))
                labels.append(-1)
            else:
                label = r.integer(raw["label"], sp + ("label",), 0)
                if label >= outputs:
                    raise r.fail(sp + ("label",), tr("class {label} does not exist: the last layer has {outputs} "
                                                     "outputs (classes 0 to {last})",
                                                     label=label, outputs=outputs, last=outputs - 1))
                ys.append(_one_hot(np.array([label]), outputs)[0])
                labels.append(label)
        samples = SampleSet(np.stack(xs), np.stack(ys),
                            np.array(labels) if any(lb >= 0 for lb in labels) else None)
    if get_loss(loss).distribution:
        _check_distributions(r, samples, path, loss)
    if get_loss(loss).probabilities:
        _check_probabilities(r, samples, path, loss)
    return samples


def _check_probabilities(r: _Reader, samples: SampleSet, path: YPath, loss: str) -> None:
    """Every target is a probability, in [0, 1] (one per output, not a distribution)."""
    bad = np.argwhere((samples.y < 0) | (samples.y > 1))
    if bad.size:
        i, k = (int(v) for v in bad[0])
        field = path + (i, "y") if samples.file is None else path + ("file",)
        raise r.fail(field, tr("for {loss} every target must lie in 0…1 (the probability of each output), but "
                               "sample {i}'s y[{k}] is {y:g}", loss=loss, i=i, k=k, y=samples.y[i, k]))


def _check_distributions(r: _Reader, samples: SampleSet, path: YPath, loss: str) -> None:
    sums = samples.y.sum(axis=1)
    bad = np.flatnonzero((np.abs(sums - 1.0) > 1e-6) | np.any(samples.y < 0, axis=1))
    if bad.size:
        i = int(bad[0])
        field = path + (i, "y") if samples.file is None else path + ("file",)
        raise r.fail(field, tr("for {loss} the targets must be ≥ 0 and sum to 1, but sample {i}'s sum to {sums:g}",
                               loss=loss, i=i, sums=sums[i]))


def _npz_samples(r: _Reader, file: str, path: YPath, network: Network) -> SampleSet:
    full = (r.base_dir / file)
    shown = quote(file)
    try:
        arrays = read_npz(full, ("x", "y"))
    except FileNotFoundError:
        raise r.fail(path, tr("the samples file {shown} does not exist (looked in {base_dir})",
                              shown=shown, base_dir=quote(str(r.base_dir)))) from None
    except NpzError as err:
        raise r.fail(path, f"{shown}: {err}") from None
    except ScenarioError as err:  # not a regular file
        raise r.fail(path, f"{shown}: {err.reason}") from None
    for key in ("x", "y"):
        if key not in arrays:
            raise r.fail(path, tr("{shown} has no array '{key}' (expected x [N, *input] and y)", shown=shown, key=key))
    x, y = arrays["x"], arrays["y"]
    want = (x.shape[0], *network.input_shape) if x.ndim else None
    if x.ndim == 0 or x.shape != want or x.shape[0] == 0:
        raise r.fail(path, tr("{shown}: x has shape {shape}, expected [N, {input_shape}] with N ≥ 1",
                              shown=shown, shape=shape_text(x.shape),
                              input_shape=", ".join(map(str, network.input_shape))))
    _sample_budget(r, path, x.shape[0], network)
    outputs = network.output_size
    labels = None
    if y.ndim == 1 and np.issubdtype(y.dtype, np.integer):
        if y.shape[0] != x.shape[0] or y.min() < 0 or y.max() >= outputs:
            raise r.fail(path, tr("{shown}: y as labels must have {samples} class indices in 0…{last}",
                                  shown=shown, samples=x.shape[0], last=outputs - 1))
        labels = y.astype(np.int64)
        y = _one_hot(labels, outputs)
    elif y.shape != (x.shape[0], outputs):
        raise r.fail(path, tr("{shown}: y has shape {shape}, expected [{samples}, {outputs}] targets or [{samples}] "
                              "integer labels",
                              shown=shown, shape=shape_text(y.shape), samples=x.shape[0], outputs=outputs))
    x, y = _as_float64(x), _as_float64(y)
    if not np.all(np.isfinite(x)):
        raise r.fail(path, tr("{shown}: x must hold finite numbers that fit float64", shown=shown))
    if not np.all(np.isfinite(y)):
        raise r.fail(path, tr("{shown}: y must hold finite numbers that fit float64", shown=shown))
    return SampleSet(x, y, labels, file=file, source=full.resolve())


def _one_hot(labels: np.ndarray, outputs: int) -> np.ndarray:
    """``[N, outputs]`` targets with a 1 at each label (``np.eye`` would build outputs² values)."""
    y = np.zeros((labels.shape[0], outputs))
    y[np.arange(labels.shape[0]), labels] = 1.0
    return y


def _as_float64(values: np.ndarray) -> np.ndarray:
    """Float64 values; a longdouble beyond float64's range becomes ∞ (and is then refused)."""
    with np.errstate(over="ignore", invalid="ignore"):
        return values.astype(np.float64)


def _sample_budget(r: _Reader, path: YPath, count: int, network: Network) -> None:
    """Refuse samples over the budget (train and test sets count together)."""
    per_sample = int(np.prod(network.input_shape)) + network.output_size
    try:
        check_samples(count, per_sample, r.sample_values, path)
    except BudgetError as err:
        raise r.fail(err.field, err.message) from None
    r.sample_values += count * per_sample


def _expected(r: _Reader, value: Any, scenario: Scenario) -> dict[str, Expected]:
    if value is None:
        return {}
    path: YPath = ("expected",)
    value = r.mapping(value, path, tr("expected values (quantity name: value)"))
    from core.engine.quantity_shapes import check_reference

    result: dict[str, Expected] = {}
    for key, raw in value.items():
        kp = path + (key,)
        ref = _expected_name(r, kp, str(key))
        try:
            check_reference(scenario, ref, require_scalar=True)
        except QuantityError as err:
            raise r.fail(kp, str(err)) from None
        number = r.number(raw, kp)
        text = r.doc.raw_text(kp) or repr(raw)
        result[str(ref)] = Expected(number, written_decimals(text), text)
    return result



def _exercise(r: _Reader, value: Any, scenario: Scenario) -> Exercise | None:
    """A student file's ``exercise: {id, ask: [names], reveal}`` (contract §7)."""
    if value is None:
        return None
    path: YPath = ("exercise",)
    value = r.mapping(value, path, tr("an exercise (id, ask)"))
    r.known_fields(value, ("id", "ask", "reveal"), path, tr("an exercise"))
    for key in ("id", "ask"):
        if key not in value:
            raise r.fail(path, tr("the required field '{key}' is missing (an exercise needs: id, ask)", key=key))
    sid = value["id"]
    if not isinstance(sid, str):
        raise r.fail(path + ("id",), tr("expected the student's id as text, got {sid}", sid=describe(sid)))
    problem = student_id_problem(sid)
    if problem is not None:
        raise r.fail(path + ("id",), f"{said(sid)}: {problem}")
    ask = value["ask"]
    if not isinstance(ask, list) or not ask:
        raise r.fail(path + ("ask",), tr("expected a list of quantity names, got {ask}", ask=describe(ask)))
    from core.engine.quantity_shapes import check_reference

    names: list[str] = []
    for i, key in enumerate(ask):
        kp = path + ("ask", i)
        if not isinstance(key, str):
            raise r.fail(kp, tr("expected a quantity name, got {key}", key=describe(key)))
        ref = _expected_name(r, kp, key)
        try:
            check_reference(scenario, ref, require_scalar=True)
        except QuantityError as err:
            raise r.fail(kp, str(err)) from None
        if str(ref) in names:
            raise r.fail(kp, tr("{key} is asked twice", key=said(key)))
        names.append(str(ref))
    reveal = r.choice(value.get("reveal", "after"), path + ("reveal",), REVEALS, "reveal")
    return Exercise(sid, tuple(names), reveal)


def _expected_name(r: _Reader, path: YPath, key: str) -> QuantityRef:
    """Parse an ``expected`` key; a name too long to be real (a 5000-digit index) or holding
    control characters is refused here, before it could reach a message or ``int``."""
    if len(key) > MAX_NAME:
        raise r.fail(path, tr("{key} is not a quantity name: {n:,} characters, at most {most} (like fc.out[0] "
                              "or conv.weight[0,0,1])", key=said(key), n=len(key), most=MAX_NAME))
    if not key.isprintable():
        raise r.fail(path, tr("{key} is not a quantity name: it holds control characters", key=said(key)))
    try:
        return parse_name(key)
    except QuantityError as err:
        raise r.fail(path, str(err)) from None
