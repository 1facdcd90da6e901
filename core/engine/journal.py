"""The session journal: every Stepper command, one JSON line each, replayable after a crash.

A running TUI appends one line per command (``edit``, ``step_forward``, ``undo``, …) and
flushes it, so a killed process (SIGKILL, a closed terminal, a dropped SSH connection)
loses nothing it had done. Launching the same scenario again replays the lines onto a
fresh Stepper, which gives back the same values, phase, iteration, answers and undo
history, since the Stepper is deterministic. Training is the exception: it is not cheap to
redo, so its resulting parameters are stored (``adopt``'s arguments, bit-exact).

The first line is a header naming the scenario (its resolved path, or ``bundled:NAME``)
and a digest of the file's bytes (and of its sample file): a journal is never replayed
onto a file that has changed since. Each process writes its own file, locked while it
runs, so two instances on one scenario never mix their lines; the newest unlocked one
is offered for restoring. A line cut short by a kill is ignored: replay stops at the last
complete line.

Lines that are not Stepper commands (the display decimals, the quiz's progress) are
"view" entries: replay keeps the last of each for the app to apply.
"""

from __future__ import annotations

import base64
import dataclasses
import fcntl
import hashlib
import importlib
import inspect
import json
import os
import time
from collections.abc import Callable, Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from core.engine.scenario import Scenario
from core.engine.stepper import Stepper
from core.errors import CnnTuiError
from core.i18n import tr
from core.os_reason import os_reason
from core.user_dirs import state_folder

FORMAT = "cnn-tui journal"
VERSION = 1
SUFFIX = ".journal"

# Stepper methods that change state; replay calls them by name with the recorded arguments
COMMANDS = ("step_forward", "forward_all", "step_backward", "backward_all", "update", "step_next",
            "run_iteration", "advance_to_next", "undo", "reset", "edit", "set_expected",
            "set_hand_rounding", "adopt", "choose_samples", "set_learning_rate")
SAVED = "mark_saved"  # not replayed: a save starts a fresh journal from the saved file
VIEW_OPS = ("decimals", "quiz")  # the app's own state, last one wins
UNKNOWN = "unknown"  # a change made by a Stepper method not in COMMANDS: replay stops there

Entry = dict[str, Any]


class JournalError(CnnTuiError):
    """A journal that cannot be written or read (the session itself goes on)."""


# --- where journals live ---------------------------------------------------------
def state_dir() -> Path:
    """``$XDG_STATE_HOME/cnn-tui`` (default ``~/.local/state/cnn-tui``); JournalError where
    there is no such folder (no home folder and no XDG_STATE_HOME: ``core.user_dirs``)."""
    folder = state_folder()
    if folder is None:
        raise JournalError(tr("there is no folder for recovery journals (no home folder): set XDG_STATE_HOME"))
    return folder


def scenario_key(path: Path, bundled: bool) -> str:
    """What a journal belongs to: ``bundled:NAME`` or the file's resolved path."""
    return f"bundled:{path.stem}" if bundled else str(path.resolve())


def scenario_digest(scenario: Scenario) -> str:
    """SHA-256 of the scenario file's bytes, and of its sample file when it has one."""
    digest = hashlib.sha256()
    files = [scenario.path] if scenario.path is not None else []
    if scenario.samples.source is not None:
        files.append(scenario.samples.source)
    for path in files:
        try:
            with open(path, "rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
        except OSError:
            digest.update(b"\0unreadable")
        digest.update(b"\0")
    return digest.hexdigest()


def journal_stem(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:24]


# --- encoding arguments (exact: floats as repr, arrays as their bytes) -------------------
def encode(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        arr = np.ascontiguousarray(value)
        return {"__array__": arr.dtype.str, "shape": list(arr.shape),
                "data": base64.b64encode(arr.tobytes()).decode("ascii")}
    fields = _record_fields(value)
    if fields is not None:
        kind = type(value)
        return {"__record__": f"{kind.__module__}:{kind.__qualname__}",
                "fields": {name: encode(getattr(value, name)) for name in fields}}
    if isinstance(value, Mapping):
        return {str(k): encode(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [encode(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def decode(value: Any) -> Any:
    if isinstance(value, dict):
        if "__array__" in value:
            data = base64.b64decode(value["data"])
            return np.frombuffer(data, dtype=np.dtype(value["__array__"])).reshape(value["shape"]).copy()
        if "__record__" in value:
            kind = _record_class(str(value["__record__"]))
            return kind(**{str(k): decode(v) for k, v in dict(value["fields"]).items()})
        return {k: decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decode(v) for v in value]
    return value


def _record_fields(value: Any) -> tuple[str, ...] | None:
    """The fields a record of ours is rebuilt from (a dataclass's ``init`` fields, a
    NamedTuple's fields), or None: not one of the project's records. A NamedTuple is a
    tuple, so this is asked before the tuple branch would store it as a bare list."""
    kind = type(value)
    if not _ours(kind):
        return None
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return tuple(f.name for f in dataclasses.fields(value) if f.init)
    if isinstance(value, tuple) and isinstance(getattr(kind, "_fields", None), tuple):
        return tuple(kind._fields)
    return None


def _ours(kind: type) -> bool:
    """Only the project's own records (Expected, an optimizer's state …) are stored."""
    return kind.__module__.split(".")[0] == "core"


def _record_class(name: str) -> type:
    """The record class a stored record names: only a ``core`` dataclass or NamedTuple, looked
    up by name (its constructor, ``__post_init__`` included, then builds the record from the
    stored fields)."""
    module_name, _, qualname = name.partition(":")
    if module_name.split(".")[0] != "core" or not qualname.isidentifier():
        raise JournalError(tr("not a record of this program: {name!r}", name=name[:60]))
    try:
        kind = getattr(importlib.import_module(module_name), qualname)
    except (ImportError, AttributeError):
        raise JournalError(tr("no such record in this version: {name!r}", name=name[:60])) from None
    if not (isinstance(kind, type) and (dataclasses.is_dataclass(kind)
                                        or (issubclass(kind, tuple) and hasattr(kind, "_fields")))):
        raise JournalError(tr("not a record of this program: {name!r}", name=name[:60]))
    return kind


def command_entry(op: str, method: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Entry:
    """A journal line for one Stepper call, its arguments by parameter name."""
    bound = inspect.signature(method).bind(*args, **kwargs)
    return {"op": op, "args": {k: encode(v) for k, v in bound.arguments.items()}}


# --- recording ---------------------------------------------------------------------
def record_commands(stepper: Stepper, sink: Callable[[Entry], None]) -> None:
    """Make every state-changing call on ``stepper`` also hand ``sink`` its journal entry.

    Only the outermost call is recorded (``step_next`` calls ``step_forward`` inside), and
    only once it has succeeded: a refused command changed nothing. The methods are wrapped
    on this instance only, so the class and other steppers are untouched. Recording a
    stepper again (a session put back after a failed open) replaces the earlier sink: each
    call is still recorded once.
    """
    _stop_recording(stepper)
    depth = [0]

    def wrap(op: str, method: Callable[..., Any]) -> Callable[..., Any]:
        def recorded(*args: Any, **kwargs: Any) -> Any:
            depth[0] += 1
            try:
                result = method(*args, **kwargs)
            finally:
                depth[0] -= 1
            if depth[0] == 0:
                sink(command_entry(op, method, args, kwargs))
            return result

        recorded.__wrapped__ = method  # type: ignore[attr-defined]
        return recorded

    for op in (*COMMANDS, SAVED):
        setattr(stepper, op, wrap(op, getattr(stepper, op)))

    push = getattr(stepper, "_push", None)
    if callable(push):  # a safety net: a command this list does not know still pushes an undo step
        def pushed(label: str) -> None:
            push(label)
            if depth[0] == 0:
                sink({"op": UNKNOWN, "label": str(label)[:80]})

        stepper._push = pushed  # type: ignore[method-assign]


def _stop_recording(stepper: Stepper) -> None:
    """Put back the methods ``record_commands`` wrapped on this instance, if it did."""
    for op in (*COMMANDS, SAVED, "_push"):
        stepper.__dict__.pop(op, None)  # the class's own method shows through again


# --- replay --------------------------------------------------------------------------
@dataclass
class Replayed:
    """What a replay did: commands applied, the last view entries, and where it stopped."""

    applied: int = 0
    view: dict[str, Entry] = field(default_factory=dict)
    failed: str | None = None  # the reason replay stopped early, if it did


def apply(stepper: Stepper, entry: Entry) -> None:
    """Replay one command entry onto ``stepper`` (its public method, same arguments)."""
    op = entry.get("op")
    if op == UNKNOWN:
        raise JournalError(tr("'{label}' cannot be replayed", label=str(entry.get('label'))[:40]))
    if op not in (*COMMANDS, SAVED):
        raise JournalError(tr("unknown journal entry {op!r}", op=str(op)[:40]))
    args = {str(k): decode(v) for k, v in dict(entry.get("args") or {}).items()}
    if op == "adopt":
        _check_params(stepper, args.get("params"))
    getattr(stepper, op)(**args)


def _check_params(stepper: Stepper, params: Any) -> None:
    """Trained parameters must have the network's layers, kinds, shapes and float dtype."""
    ok = isinstance(params, dict) and params.keys() == stepper.params.keys() and all(
        isinstance(params[layer], dict) and params[layer].keys() == kinds.keys() and all(
            isinstance(params[layer][k], np.ndarray) and params[layer][k].shape == arr.shape
            and params[layer][k].dtype.kind == "f" for k, arr in kinds.items())
        for layer, kinds in stepper.params.items())
    if not ok:
        raise JournalError(tr("the stored parameters do not fit this network"))


def replay(stepper: Stepper, entries: list[Entry]) -> Replayed:
    """Apply every entry in order; stop (keeping what was applied) at the first that fails."""
    done = Replayed()
    for entry in entries:
        op = entry.get("op")
        if op in VIEW_OPS:
            done.view[str(op)] = entry
            continue
        try:
            apply(stepper, entry)
        except (CnnTuiError, TypeError, ValueError, KeyError, IndexError) as err:
            done.failed = f"entry {done.applied + 1} ({op}): {str(err)[:80]}"
            break
        done.applied += 1
    return done


# --- files ----------------------------------------------------------------------------
class Found(NamedTuple):
    """A journal left by a process that is gone: its file, header, entries and age."""

    path: Path
    header: Entry
    entries: list[Entry]
    modified: float  # seconds since the epoch

    @property
    def changes(self) -> int:
        return len(self.entries)


def read_journal(path: Path) -> tuple[Entry, list[Entry]]:
    """The header and every complete entry; a line cut short (a kill mid-write) and all
    after it are dropped. JournalError if there is no valid header."""
    try:
        data = path.read_bytes()
    except OSError as err:
        raise JournalError(tr("cannot read the journal ({value})", value=os_reason(err, tr('unreadable')))) from None
    lines = data.split(b"\n")
    complete = lines[:-1]  # whatever follows the last newline was cut short
    parsed: list[Entry] = []
    for raw in complete:
        try:
            item = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            break
        if not isinstance(item, dict):
            break
        parsed.append(item)
    if not parsed or parsed[0].get("format") != FORMAT or parsed[0].get("version") != VERSION:
        raise JournalError(tr("not a cnn-tui journal (or from another version)"))
    return parsed[0], parsed[1:]


def _locked_by_other(path: Path) -> bool:
    """Is a running process still writing this journal (it holds the lock)?"""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return True  # unreadable: leave it alone
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(fd)
    return False


def left_behind(key: str, folder: Path | None = None) -> list[Found]:
    """Journals of ``key`` whose process has gone, newest first."""
    folder = folder or state_dir()
    found: list[Found] = []
    with suppress(OSError):
        for path in folder.glob(f"{journal_stem(key)}.*{SUFFIX}"):
            if _locked_by_other(path):
                continue
            try:
                header, entries = read_journal(path)
                modified = path.stat().st_mtime
            except (JournalError, OSError):
                continue
            if header.get("key") == key:
                found.append(Found(path, header, entries, modified))
    return sorted(found, key=lambda f: f.modified, reverse=True)


class Offer(NamedTuple):
    """What a launch finds for its scenario: journals it may restore (newest first) and
    journals written against another version of the file, which are never restored."""

    usable: list[Found]
    stale: list[Found]


def offer(key: str, digest: str, folder: Path | None = None) -> Offer:
    """Journals left behind for ``key``; empty ones (no change was made) are deleted."""
    left = left_behind(key, folder)
    remove([f.path for f in left if not f.changes])
    left = [f for f in left if f.changes]
    return Offer([f for f in left if f.header.get("digest") == digest],
                 [f for f in left if f.header.get("digest") != digest])


def set_aside(found: Found) -> Path:
    """A journal that can never be restored (its file changed), renamed so that it is
    reported once and kept for the user, not offered at every launch."""
    target = found.path.with_name(found.path.name + ".stale")
    with suppress(OSError):
        found.path.rename(target)
        return target
    return found.path


def remove(paths: list[Path]) -> None:
    for path in paths:
        with suppress(OSError):
            path.unlink()


class JournalWriter:
    """This process's journal for one scenario: created locked, one flushed line per entry."""

    def __init__(self, key: str, digest: str, folder: Path | None = None) -> None:
        folder = folder or state_dir()
        self.key = key
        try:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            self.path = folder / f"{journal_stem(key)}.{os.getpid()}.{time.time_ns()}{SUFFIX}"
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND, 0o600)
        except OSError as err:
            raise JournalError(tr("cannot create a recovery journal in {folder} ({value})",
                                  folder=str(folder)[:80], value=os_reason(err, tr('not writable')))) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)  # released by the system however this process ends
        except OSError as err:
            os.close(fd)
            remove([self.path])
            raise JournalError(tr("cannot lock a recovery journal in {folder} ({value})",
                                  folder=str(folder)[:80], value=os_reason(err, tr('no locks here')))) from None
        self._fd: int | None = fd
        self.lines = 0
        self._size = 0  # bytes written: where the next line starts
        self._last: int | None = None  # where the last line starts
        self._write({"format": FORMAT, "version": VERSION, "key": key, "digest": digest,
                     "pid": os.getpid(), "started": time.time()})

    def append(self, entry: Entry) -> None:
        """One line, written straight to the system (no buffer to flush; O(size of the entry))."""
        self._write(entry)
        self.lines += 1

    def retract(self) -> None:
        """Take back the last line (a training snapshot that the next one replaces), so a
        long training run leaves one result in the journal, not one per screen update."""
        if not self.lines or self._last is None or self._fd is None:
            return
        try:
            os.ftruncate(self._fd, self._last)
        except OSError as err:
            raise JournalError(tr("cannot write the recovery journal ({value})",
                                  value=os_reason(err, tr('truncate failed')))) from None
        self._size, self._last = self._last, None
        self.lines -= 1

    def _write(self, item: Entry) -> None:
        try:
            if self._fd is None:
                raise OSError(0, "closed")
            data = memoryview((json.dumps(item, separators=(",", ":"), ensure_ascii=True) + "\n").encode("ascii"))
            start = self._size
            while data:
                written = os.write(self._fd, data)
                data = data[written:]
                self._size += written
            self._last = start
        except (OSError, ValueError, TypeError) as err:  # TypeError: an argument JSON cannot hold
            why = os_reason(err, tr("a value it cannot store"))
            raise JournalError(tr("cannot write the recovery journal ({why})", why=why)) from None

    def close(self, delete: bool) -> None:
        if self._fd is not None:
            with suppress(OSError):
                os.close(self._fd)
            self._fd = None
        if delete:
            remove([self.path])


def rebase_entries(stepper: Stepper) -> list[Entry]:
    """After a save: the commands that take a Stepper on the saved file to where this one
    stands (its parameters, iteration, hand-rounding and phase), then marked saved."""
    args = {"params": encode(stepper.params), "iteration": stepper.iteration, "label": "saved"}
    adopt = getattr(stepper.adopt, "__wrapped__", stepper.adopt)
    if "optimizer_state" in inspect.signature(adopt).parameters and hasattr(stepper.state, "optim"):
        args["optimizer_state"] = encode(stepper.state.optim)  # momentum buffers and the like
    if stepper.state.layer_state:
        args["layer_state"] = encode(stepper.state.layer_state)  # running statistics
    entries: list[Entry] = [{"op": "adopt", "args": args}]
    if stepper.hand_rounding is not None:
        entries.append({"op": "set_hand_rounding", "args": {"decimals": stepper.hand_rounding}})
    ph = stepper.phase()
    steps = {"forward": ["step_forward"] * (ph.step - 1),
             "backward": ["forward_all"] + ["step_backward"] * (ph.step - 1),
             "update": ["forward_all", "backward_all"], "done": ["run_iteration"]}[ph.stage]
    entries += [{"op": op, "args": {}} for op in steps]
    entries.append({"op": SAVED, "args": {}})
    return entries
