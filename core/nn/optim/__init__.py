"""The optimizers by name, and the scenario's ``optimizer:`` mapping read into a config.

One module per optimizer (``sgd.py``), which names its instance ``OPTIMIZER``; every
module of this package is found and registered at import, so adding an optimizer is
adding its module. ``register`` refuses one that is not fully described, so nothing
falls through to another optimizer's formula.
"""

from __future__ import annotations

import importlib
import math
import pkgutil
import re
from collections.abc import Mapping
from typing import Any

from core.errors import ScenarioError
from core.i18n import tr
from core.nn.optim.base import (
    Field,
    Hyper,
    Optimizer,
    OptimizerConfig,
    OptimizerState,
    Term,
    UpdateContext,
    UpdateStep,
    Value,
)
from core.text import describe, quote

__all__ = ["OPTIMIZERS", "DEFAULT", "Field", "Hyper", "Optimizer", "OptimizerConfig", "OptimizerState", "Term",
           "UpdateContext", "UpdateStep", "Value", "get_optimizer", "optimizer_data", "optimizer_words",
           "parse_optimizer", "register", "state_name", "unregister"]

OPTIMIZERS: dict[str, Optimizer] = {}
PLANNED: tuple[str, ...] = ()  # names in the file format not built yet (refused as "not supported yet")
STEP_FIELD = "step"  # iterations already taken: every optimizer accepts it
_BIG = 1e300  # larger numbers (and 5000-digit integers) are refused before any arithmetic
_KIND = re.compile(r"[a-z][a-z0-9_]*")


def register(optimizer: Optimizer) -> Optimizer:
    """Add an optimizer; ValueError if any part of it is missing or clashes."""
    name = getattr(optimizer, "name", None)
    if not isinstance(name, str) or not _KIND.fullmatch(name):
        raise ValueError(f"an optimizer needs a lower-case name, got {name!r}")
    if name in OPTIMIZERS:
        raise ValueError(f"optimizer {name!r} is registered twice")
    for attr in ("title", "torch_class"):
        if not isinstance(getattr(optimizer, attr, None), str):
            raise ValueError(f"optimizer {name!r} has no {attr}")
    names = [f.name for f in optimizer.fields]
    if len(set(names)) != len(names) or STEP_FIELD in names or "type" in names:
        raise ValueError(f"optimizer {name!r}: field names must be unique and not 'type' or 'step'")
    for kind in optimizer.state_kinds:
        if not _KIND.fullmatch(kind):
            raise ValueError(f"optimizer {name!r}: state kind {kind!r} is not a quantity name")
        if kind not in optimizer.state_titles or kind not in optimizer.state_symbols:
            raise ValueError(f"optimizer {name!r}: state kind {kind!r} needs a title and a symbol")
    if not all(callable(slip) for slip in optimizer.slips.values()):
        raise ValueError(f"optimizer {name!r}: every slip must be a function")
    OPTIMIZERS[name] = optimizer
    return optimizer


def unregister(name: str) -> None:
    """Remove an optimizer (tests register their own and take it away again)."""
    OPTIMIZERS.pop(name, None)


def get_optimizer(name: str) -> Optimizer:
    return OPTIMIZERS[name]


def state_name(layer: str, kind: str, param: str) -> str:
    """The quantity name of one state buffer, e.g. ``fc.momentum_buffer_weight``."""
    return f"{layer}.{kind}_{param}"


def _register_modules() -> None:
    """Register the ``OPTIMIZER`` of every module in this package, in name order."""
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        optimizer = getattr(module, "OPTIMIZER", None)
        if optimizer is not None:
            register(optimizer)


_register_modules()
DEFAULT = OptimizerConfig("sgd", OPTIMIZERS["sgd"].defaults())


def parse_optimizer(raw: Any) -> tuple[OptimizerConfig, int]:
    """The ``optimizer:`` mapping (None: the default) as (config, step already taken).

    Raises ScenarioError with ``field`` set (``optimizer.momentum``) for anything wrong: an
    unknown type, a field the optimizer does not take, a value out of range, a rule broken.
    """
    if raw is None:
        return DEFAULT, 0
    if not isinstance(raw, Mapping):
        raise ScenarioError(tr("expected a mapping such as {{type: sgd}}"), field="optimizer")
    kind = raw.get("type", "sgd")
    if kind in PLANNED and kind not in OPTIMIZERS:
        raise ScenarioError(tr("the {kind} optimizer is not supported yet (this cnn-tui has: {names})", kind=kind,
                               names=", ".join(OPTIMIZERS)), field="optimizer.type")
    if not isinstance(kind, str) or kind not in OPTIMIZERS:
        raise ScenarioError(tr("unknown optimizer {kind} (expected one of: {names})", kind=describe(kind),
                               names=", ".join(OPTIMIZERS)), field="optimizer.type")
    optimizer = OPTIMIZERS[kind]
    fields = {f.name: f for f in optimizer.fields}
    for key in raw:
        if key not in fields and key not in ("type", STEP_FIELD):
            takes = ", ".join(["type", *fields, STEP_FIELD])
            raise ScenarioError(tr("{kind} does not take '{key}' (it takes: {takes})", kind=kind, key=quote(key),
                                   takes=takes),
                                field=f"optimizer.{key}" if isinstance(key, str) and _KIND.fullmatch(key)
                                else "optimizer")
    options = {name: _value(f, raw.get(name, f.default), kind) for name, f in fields.items()}
    broken = optimizer.check(options)
    if broken is not None:
        raise ScenarioError(broken[1], field=f"optimizer.{broken[0]}")
    step = raw.get(STEP_FIELD, 0)
    if type(step) is not int or not 0 <= step <= _BIG:
        raise ScenarioError(tr("expected a whole number ≥ 0 of updates already taken, got {value}",
                               value=describe(step)),
                            field=f"optimizer.{STEP_FIELD}")
    return OptimizerConfig(kind, options), step


def optimizer_words(config: OptimizerConfig) -> str:
    """The optimizer for a report heading, or "" for the default plain SGD (reports of it
    read as they always have)."""
    return "" if config == DEFAULT else OPTIMIZERS[config.type].describe(config.options)


def optimizer_data(config: OptimizerConfig, state: OptimizerState) -> dict[str, Value | list[float] | int | str]:
    """The ``optimizer:`` mapping as saved: the type, the settings that differ from their
    defaults, and ``step`` once the optimizer keeps state (so bias corrections resume)."""
    optimizer = OPTIMIZERS[config.type]
    data: dict[str, Value | list[float] | int | str] = {"type": config.type}
    data.update({f.name: _plain(config[f.name]) for f in optimizer.fields if config[f.name] != f.default})
    if optimizer.kept_kinds(config.options):
        data[STEP_FIELD] = state.step
    return data


def _plain(value: Value) -> Value | list[float]:
    """A setting as YAML writes it (a tuple as a list)."""
    return list(value) if isinstance(value, tuple) else value


def _value(f: Field, value: Any, kind: str) -> Value:
    where = f"optimizer.{f.name}"
    if f.is_tuple:
        size = len(f.default)  # type: ignore[arg-type]  # is_tuple: the default is a tuple
        if isinstance(value, tuple):
            value = list(value)
        if not isinstance(value, list) or len(value) != size:
            raise ScenarioError(tr("expected a list of {size} numbers ({meaning}), got {value}", size=size,
                                   meaning=tr(f.meaning), value=describe(value)), field=where)
        return tuple(_number(f, v, where, tr("{meaning}, entry {k}", meaning=tr(f.meaning), k=i + 1))
                     for i, v in enumerate(value))
    if f.is_flag:
        if not isinstance(value, bool):
            raise ScenarioError(tr("expected true or false ({meaning}), got {value}", meaning=tr(f.meaning),
                                   value=describe(value)), field=where)
        return value
    return _number(f, value, where, tr(f.meaning))


def _number(f: Field, value: Any, where: str, meaning: str) -> float:
    """One number of a field, within its range."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or abs(value) > _BIG or not math.isfinite(value):
        raise ScenarioError(tr("expected a number ({meaning}), got {value}", meaning=meaning, value=describe(value)),
                            field=where)
    low, high = f.low, f.high
    if (low is not None and value < low) or (high is not None and (value > high or f.high_open and value == high)):
        bounds = (f"≥ {low:g}" if high is None else
                  tr("in {interval}", interval=f"[{low:g}, {high:g}{')' if f.high_open else ']'}")
                  if low is not None else f"≤ {high:g}")
        raise ScenarioError(tr("{meaning} must be {bounds}, got {value:g}", meaning=meaning, bounds=bounds,
                               value=value), field=where)
    return float(value)
