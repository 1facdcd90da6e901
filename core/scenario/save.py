"""Write a scenario back to YAML: every parameter in full, loadable to the same state.

The text is checked by loading it again before it replaces anything, and it is written
to a temporary file in the same folder and renamed into place, so a save never leaves a
half-written or unloadable file.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from core.engine.scenario import FORMAT, SampleSet, Scenario
from core.errors import ScenarioError
from core.nn.optim import optimizer_data
from core.scenario.yaml_source import use_yaml12_floats

INLINE_LIMIT = 200_000  # numbers; more samples than this go to an npz file beside the YAML


class _Raw(str):
    """A scalar written exactly as the user wrote it (an expected value's decimals)."""


@use_yaml12_floats
class _Dumper(yaml.SafeDumper):
    """Lists in flow style (``[0.1, 0.2]``), mappings in block style; YAML 1.2 floats."""


def _represent_list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    """Arrays of numbers in flow style; lists of mappings (layers, samples) in block style."""
    flow = not any(isinstance(item, dict) for item in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


def _represent_raw(dumper: yaml.SafeDumper, data: _Raw) -> yaml.Node:
    tag = dumper.resolve(yaml.ScalarNode, str(data), (True, False))
    return dumper.represent_scalar(tag, str(data))


def _represent_text(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(list, _represent_list)
_Dumper.add_representer(_Raw, _represent_raw)
_Dumper.add_representer(str, _represent_text)


def _plain(arr: np.ndarray) -> Any:
    """float64 array → nested lists of Python floats (repr round-trips exactly)."""
    return np.asarray(arr, dtype=np.float64).tolist()


def _needs_npz(samples: SampleSet) -> bool:
    """Samples with no npz file of their own that are too many to write inline."""
    return samples.source is None and samples.x.size + samples.y.size > INLINE_LIMIT


def _write_npz(samples: SampleSet, handle: Any) -> None:
    y = samples.labels if samples.labels is not None and np.all(samples.labels >= 0) else samples.y
    np.savez_compressed(handle, x=samples.x, y=y)


def _samples_data(samples: SampleSet, target: Path, npz_name: str | None) -> Any:
    if samples.source is not None:
        return {"file": Path(os.path.relpath(samples.source, target.parent)).as_posix()}
    if npz_name is not None:
        return {"file": npz_name}
    items = []
    for i in range(len(samples)):
        item: dict[str, Any] = {"x": _plain(samples.x[i])}
        if samples.labels is not None and samples.labels[i] >= 0:
            item["label"] = int(samples.labels[i])
        else:
            item["y"] = _plain(samples.y[i])
        items.append(item)
    return items


def scenario_data(scenario: Scenario, target: Path, npz_names: dict[str, str] | None = None) -> dict[str, Any]:
    """The scenario as plain data in the file's field order; ``npz_names`` names the npz
    file of each sample set (``samples``, ``test_samples``) written beside the YAML."""
    npz_names = npz_names or {}
    data: dict[str, Any] = {"format": FORMAT, "name": scenario.name}
    if scenario.description:
        data["description"] = scenario.description
    data["input"] = list(scenario.input_shape)
    data["samples"] = _samples_data(scenario.samples, target, npz_names.get("samples"))
    if scenario.test_samples is not None:
        data["test_samples"] = _samples_data(scenario.test_samples, target, npz_names.get("test_samples"))
    layers = []
    for spec in scenario.layer_specs:
        entry = {k: (list(v) if isinstance(v, tuple) else v) for k, v in spec.items()
                 if not (k == "frozen" and not v)}
        if spec["name"] in scenario.params:
            for pname, value in scenario.params[spec["name"]].items():
                entry[pname] = _plain(value)
            for kind in scenario.network.state_kinds_of(scenario.network.layer(spec["name"])):
                buffer = scenario.optimizer_state.buffers.get(f"{spec['name']}.{kind}")
                if buffer is not None:
                    entry[kind] = _plain(buffer)
        layers.append(entry)
    data["layers"] = layers
    data["loss"] = scenario.loss
    data["learning_rate"] = scenario.learning_rate
    data["optimizer"] = optimizer_data(scenario.optimizer, scenario.optimizer_state)
    if scenario.batch_size != 1:
        data["batch_size"] = scenario.batch_size
    if scenario.seed is not None:
        data["seed"] = scenario.seed
    if scenario.init is not None:
        data["init"] = scenario.init
    data["display"] = {"decimals": scenario.decimals}
    if scenario.expected:
        data["expected"] = {name: _Raw(e.text) for name, e in scenario.expected.items()}
    return data


def dump_scenario(scenario: Scenario, target: Path, npz_names: dict[str, str] | None = None) -> str:
    """The YAML text of a scenario saved at ``target``."""
    return yaml.dump(scenario_data(scenario, target, npz_names), Dumper=_Dumper, sort_keys=False,
                     allow_unicode=True, width=100, default_flow_style=False)


def _file_mode(path: Path) -> int:
    """The mode a new file gets (0666 less the umask), or the existing file's mode."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def _temp_file(path: Path, write: Any) -> Path:
    """Write a complete temporary file beside ``path`` (same folder, so a rename is atomic)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, _file_mode(path))
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def write_bytes_atomically(path: Path, write: Any) -> None:
    """Write a file whole or not at all: a temporary file beside it, then a rename."""
    tmp = _temp_file(path, write)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def save_scenario(scenario: Scenario, path: str | os.PathLike[str]) -> Path:
    """Write ``scenario`` to ``path`` atomically after checking that it loads back."""
    from core.scenario.load import parse_scenario

    target = Path(path).expanduser()
    if target.is_dir():
        raise ScenarioError("this is a folder: give a file name ending in .yaml", file=str(target))
    if not target.parent.is_dir():
        raise ScenarioError(f"the folder {target.parent} does not exist", file=str(target))
    sets = {"samples": scenario.samples, "test_samples": scenario.test_samples}
    big = {field: samples for field, samples in sets.items() if samples is not None and _needs_npz(samples)}
    finals = {field: f"{target.stem}.{field}.npz" for field in big}
    temps: dict[str, Path] = {}
    try:
        for field, samples in big.items():
            temps[field] = _temp_file(target.parent / finals[field], lambda f, s=samples: _write_npz(s, f))
        check = dump_scenario(scenario, target, {field: tmp.name for field, tmp in temps.items()})
        try:
            parse_scenario(check, file=str(target), base_dir=target.parent)
        except ScenarioError as err:
            raise ScenarioError(f"not saved, the result would not load back: {err.reason}",
                                file=str(target), field=err.field) from None
        text = dump_scenario(scenario, target, finals)
        for field, tmp in temps.items():
            os.replace(tmp, target.parent / finals[field])
        write_bytes_atomically(target, lambda f: f.write(text.encode("utf-8")))
    except OSError as err:
        raise ScenarioError(f"cannot write the file: {err.strerror}", file=str(target)) from None
    finally:
        for tmp in temps.values():
            tmp.unlink(missing_ok=True)
    return target
