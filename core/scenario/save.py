"""Write a scenario back to YAML: every parameter in full, loadable to the same state.

The text is checked by loading it again before it replaces anything, and every file is
written through ``core.scenario.atomic`` onto a target checked by ``core.scenario.targets``:
a save never leaves a half-written or unloadable file, never writes onto the scenario's
own sample files or onto anything but a regular file, and never overwrites an npz file
it did not create (large samples go to a fresh name beside the YAML).
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import yaml

from core.engine.scenario import FORMAT, Exercise, SampleSet, Scenario
from core.errors import SaveError, ScenarioError
from core.i18n import tr, tr_n
from core.nn.optim import OptimizerState, optimizer_data
from core.scenario.atomic import place, remove_stale_temps, temp_pattern, write_temp
from core.scenario.catalog import bundled_dir
from core.scenario.targets import Target, check_target, quote_path
from core.scenario.yaml_source import use_yaml12_floats

INLINE_LIMIT = 200_000  # numbers; more samples than this go to an npz file beside the YAML
SIDECAR_TRIES = 100  # fresh npz names tried (STEM.samples.npz, STEM.samples-2.npz, …)
Identity = tuple[int, int, int, int]  # a file's device, inode, size and mtime: unchanged since written?


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
    # types-PyYAML leaves BaseResolver.resolve unannotated; it returns the implicit tag (a str)
    tag: str = dumper.resolve(yaml.ScalarNode, str(data), (True, False))  # type: ignore[no-untyped-call]
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
    """Samples with no npz file to keep pointing at that are too many to write inline, or
    that came from an npz file (they stay in one)."""
    if _source(samples) is not None:
        return False
    return samples.file is not None or samples.x.size + samples.y.size > INLINE_LIMIT


def _source(samples: SampleSet) -> Path | None:
    """The npz file the samples may keep pointing at: theirs, if it is still there and is not
    the installed package's (a saved file naming ``../../site-packages/…`` would work on this
    machine only, and break with the next upgrade). One that is gone (removed since it was
    read, e.g. by a later save that replaced it) or bundled is written anew beside the saved
    file from the samples in memory, so a save never names a missing or borrowed file."""
    if samples.source is None or not samples.source.is_file():
        return None
    if samples.source.resolve().is_relative_to(bundled_dir().resolve()):
        return None
    return samples.source


def _npz_writer(samples: SampleSet) -> Callable[[BinaryIO], None]:
    return lambda handle: _write_npz(samples, handle)


def _write_npz(samples: SampleSet, handle: Any) -> None:
    y = samples.labels if samples.labels is not None and np.all(samples.labels >= 0) else samples.y
    np.savez_compressed(handle, x=samples.x, y=y)


def _samples_data(samples: SampleSet, target: Path, npz_name: str | None) -> Any:
    source = _source(samples)
    if source is not None:
        return {"file": Path(os.path.relpath(source, target.parent)).as_posix()}
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


def layer_entry(spec: Mapping[str, Any]) -> dict[str, Any]:
    """A layer's fields as a file writes them (its parameters apart)."""
    return {k: (list(v) if isinstance(v, tuple) else v) for k, v in spec.items() if not (k == "frozen" and not v)}


def layer_own_data(scenario: Scenario, name: str) -> dict[str, Any]:
    """What a layer keeps of its own, as its mapping in the file writes it: its state
    (batch norm's running statistics) and iteration 1's given arrays (dropout's mask)."""
    data: dict[str, Any] = {kind: _plain(arr) for kind, arr in scenario.layer_state.get(name, {}).items()}
    for kind in scenario.network.layer(name).given_kinds:
        given = scenario.given.get(f"{name}.{kind}")
        if given is not None:
            data[kind] = _plain(given if scenario.batch_size > 1 else given[0])
    return data


def settings_data(scenario: Scenario, state: OptimizerState) -> dict[str, Any]:
    """The settings after the layers, in the file's order: loss, α, the optimizer (with
    ``state``'s step), batch size, seed, init, display."""
    data: dict[str, Any] = {"loss": scenario.loss, "learning_rate": scenario.learning_rate,
                            "optimizer": optimizer_data(scenario.optimizer, state)}
    if scenario.batch_size != 1:
        data["batch_size"] = scenario.batch_size
    if scenario.seed is not None:
        data["seed"] = scenario.seed
    if scenario.init is not None:
        data["init"] = scenario.init
    data["display"] = {"decimals": scenario.decimals}
    return data


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
        entry = layer_entry(spec)
        if spec["name"] in scenario.params:
            for pname, value in scenario.params[spec["name"]].items():
                entry[pname] = _plain(value)
            for kind in scenario.network.state_kinds_of(scenario.network.layer(spec["name"])):
                buffer = scenario.optimizer_state.buffers.get(f"{spec['name']}.{kind}")
                if buffer is not None:
                    entry[kind] = _plain(buffer)
        entry.update(layer_own_data(scenario, spec["name"]))
        layers.append(entry)
    data["layers"] = layers
    data.update(settings_data(scenario, scenario.optimizer_state))
    if scenario.exercise is not None:
        data["exercise"] = exercise_data(scenario.exercise)
    if scenario.expected:
        data["expected"] = {name: _Raw(e.text) for name, e in scenario.expected.items()}
    return data


def exercise_data(exercise: Exercise) -> dict[str, Any]:
    """A student file's ``exercise`` block: id, the asked names, and ``reveal`` unless it is the default."""
    data: dict[str, Any] = {"id": exercise.id, "ask": list(exercise.ask)}
    if exercise.reveal != "after":
        data["reveal"] = exercise.reveal
    return data


def dump_scenario(scenario: Scenario, target: Path, npz_names: dict[str, str] | None = None) -> str:
    """The YAML text of a scenario saved at ``target``."""
    return yaml.dump(scenario_data(scenario, target, npz_names), Dumper=_Dumper, sort_keys=False,
                     allow_unicode=True, width=100, default_flow_style=False)


@dataclass(frozen=True)
class SavePlan:
    """Where a save goes, checked: the YAML target and a fresh npz file for each sample
    set too large to write inline (never an existing file); ``notes`` say where a fresh
    name was chosen."""

    target: Target
    sidecars: dict[str, Target]
    notes: tuple[str, ...]


@dataclass(frozen=True)
class SampleFile:
    """An npz file a saved YAML names for a sample set: ``file`` as written in the YAML,
    ``source`` its full path (what loading the saved file sets on the samples)."""

    file: str
    source: Path


@dataclass(frozen=True)
class Saved:
    """A finished save: the YAML file written, what the user should be told, the npz file
    each sample set now comes from (``sample_files``, by field) and, as proof for the next
    save of the same file, what this save itself wrote: the YAML's identity and the npz
    files it created (``written``: real path → identity)."""

    path: Path
    notes: tuple[str, ...]
    sample_files: dict[str, SampleFile] = dataclasses.field(default_factory=dict)
    real_path: Path | None = None
    identity: Identity | None = None
    written: dict[Path, Identity] = dataclasses.field(default_factory=dict)


def sample_files(scenario: Scenario) -> dict[Path, str]:
    """The npz files a scenario's samples come from: a save must never write onto them."""
    sets = (scenario.samples, scenario.test_samples)
    return {s.source: tr("the scenario's sample file") for s in sets if s is not None and s.source is not None}


def source_files(scenario: Scenario) -> dict[Path, str]:
    """Every file a scenario was read from (itself and its samples), for exports: an
    export written onto one of them would destroy it."""
    files = sample_files(scenario)
    if scenario.path is not None:
        files[scenario.path] = tr("the scenario file")
    return files


def plan_save(scenario: Scenario, path: str | os.PathLike[str]) -> SavePlan:
    """Check everything a save of ``scenario`` to ``path`` will write, before any long work
    (``train --save`` calls this before training); ``SaveError`` says what is wrong."""
    reads = sample_files(scenario)
    target = check_target(path, reads=reads)
    sets = {"samples": scenario.samples, "test_samples": scenario.test_samples}
    sidecars: dict[str, Target] = {}
    notes = []
    for field, samples in sets.items():
        if samples is None or not _needs_npz(samples):
            continue
        sidecars[field], note = _fresh_sidecar(target, field, reads)
        if note:
            notes.append(note)
    if scenario.expected_left_out:
        n = scenario.expected_left_out
        notes.append(tr_n("left out {n} expected value: worked for earlier parameters, they would not match the "
                          "saved ones", "left out {n} expected values: worked for earlier parameters, they would "
                          "not match the saved ones", n))
    return SavePlan(target, sidecars, tuple(notes))


def _sidecar_name(stem: str, field: str, number: int) -> str:
    return f"{stem}.{field}.npz" if number == 1 else f"{stem}.{field}-{number}.npz"


def _sidecar_regex(stem: str) -> str:
    return rf"{re.escape(stem)}\.(?:samples|test_samples)(?:-[0-9]+)?\.npz"


def _identity(path: Path) -> Identity | None:
    try:
        return _stat_identity(path.lstat())
    except OSError:
        return None


def _fresh_sidecar(target: Target, field: str, reads: dict[Path, str]) -> tuple[Target, str]:
    """The first ``STEM.FIELD.npz``, ``STEM.FIELD-2.npz``, … that does not exist: a file
    already there (the user's, or another save's) is never overwritten."""
    folder, stem = target.path.parent, target.path.stem
    for number in range(1, SIDECAR_TRIES + 1):
        candidate = folder / _sidecar_name(stem, field, number)
        if os.path.lexists(candidate):
            continue
        try:
            sidecar = check_target(candidate, reads=reads)
        except SaveError as err:
            raise SaveError(tr("the npz file for its {field} beside it, {path}: {reason}",
                               field=field, path=quote_path(candidate.name), reason=err.reason),
                            file=target.shown) from None
        if number == 1:
            return sidecar, ""
        first = _sidecar_name(stem, field, 1)
        return sidecar, tr("{field} written to {path}, because {first} already exists and was left as it is",
                           field=field, path=quote_path(candidate.name), first=quote_path(first))
    raise SaveError(tr("{tries} files named {path} and the like already exist beside it: remove "
                       "some, or choose another name",
                       tries=SIDECAR_TRIES, path=quote_path(_sidecar_name(stem, field, 1))),
                    file=target.shown)


def save_scenario(scenario: Scenario, path: str | os.PathLike[str]) -> Path:
    """Write ``scenario`` to ``path`` atomically after checking that it loads back."""
    return write_scenario(scenario, path).path


def write_scenario(scenario: Scenario, path: str | os.PathLike[str], replaces: Saved | None = None) -> Saved:
    """Save ``scenario`` to ``path``: the target is checked (``plan_save``), large samples
    go to fresh npz files beside it, the text is loaded back before anything is replaced,
    and every file is written atomically. On any failure nothing the user had changes.

    ``replaces`` is the caller's previous save (of this file, or not): the npz files it
    wrote are removed afterwards only when provably orphaned (see ``_orphans``), so saving
    edited samples again and again in one session does not pile them up."""
    from core.scenario.load import parse_scenario

    plan = plan_save(scenario, path)
    target = plan.target
    base = target.path.parent  # npz paths are relative to the real file's folder, as loading reads them
    orphans = _orphans(replaces, target)  # decided before the old file is replaced
    remove_stale_temps(target.path.parent, [temp_pattern(re.escape(target.path.name)),
                                            temp_pattern(_sidecar_regex(target.path.stem))])
    sets = {"samples": scenario.samples, "test_samples": scenario.test_samples}
    temps: dict[str, Path] = {}
    placed: list[Path] = []
    try:
        for field, sidecar in plan.sidecars.items():
            samples = sets[field]
            assert samples is not None
            temps[field] = write_temp(sidecar, _npz_writer(samples))
        check = dump_scenario(scenario, target.path, {field: _relative(tmp, base) for field, tmp in temps.items()})
        try:
            parse_scenario(check, file=target.shown, base_dir=base)
        except ScenarioError as err:
            # the TUI's message line says "not saved: " before it; the command's error says this alone
            raise ScenarioError(tr("the file as it would be saved does not load back (nothing was written): {reason}",
                                   reason=err.reason), file=target.shown, field=err.field) from None
        text = dump_scenario(scenario, target.path,
                             {field: _relative(side.path, base) for field, side in plan.sidecars.items()})
        for field, tmp in temps.items():
            sidecar = plan.sidecars[field]
            placed.append(place(tmp, sidecar, replace=False))
        place(write_temp(target, lambda f: f.write(text.encode("utf-8"))), target)
    except BaseException:
        for made in [*temps.values(), *placed]:  # only files this save created: nothing of the user's
            _remove_quietly(made)
        raise
    files = _sample_files(scenario, target, {f: side.path for f, side in plan.sidecars.items()})
    kept = {_file_id(s.source) for s in files.values()} - {None}
    for orphan, identity in orphans.items():
        if _file_id(orphan) not in kept and _identity(orphan) == identity:
            _remove_quietly(orphan)
    written = {p: i for p in placed if (i := _identity(p)) is not None}
    return Saved(target.given, plan.notes, files, target.path, _identity(target.path), written)


def _orphans(replaces: Saved | None, target: Target) -> dict[Path, Identity]:
    """The npz files the new save may remove once it has succeeded: those the earlier save
    ``replaces`` wrote for this very file, when the file being replaced is still exactly
    the one that save wrote (so nothing but it referred to them, as far as this tool can
    know); each is removed only if unchanged since and not referred to by the new file."""
    if replaces is None or replaces.real_path != target.path or replaces.identity is None:
        return {}
    if target.existing is None or _stat_identity(target.existing) != replaces.identity:
        return {}
    return dict(replaces.written)


def _sample_files(scenario: Scenario, target: Target, sidecars: dict[str, Path]) -> dict[str, SampleFile]:
    """The npz file each sample set of the saved file names (as loading it would set them)."""
    base = target.path.parent
    files: dict[str, SampleFile] = {}
    for name, samples in (("samples", scenario.samples), ("test_samples", scenario.test_samples)):
        source = sidecars.get(name) or (_source(samples) if samples is not None else None)
        if source is not None:
            files[name] = SampleFile(_relative(source, base), source)
    return files


def _stat_identity(info: os.stat_result) -> Identity:
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns)


def _file_id(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return (info.st_dev, info.st_ino)


def _remove_quietly(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:
        pass


def _relative(path: Path, base: Path) -> str:
    return Path(os.path.relpath(path, base)).as_posix()
