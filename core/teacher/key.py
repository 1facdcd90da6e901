"""The teacher's key (``DIR/key.yaml``): the seed, the scenario, the scope, the tolerance,
what may be revealed, and every student's variant in full with its digest, so grading
recomputes each variant from the key alone and never trusts a submission's numbers."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from core.engine.scenario import REVEALS, Scenario, student_id_problem
from core.errors import CnnTuiError, ScenarioError
from core.i18n import tr
from core.scenario.load import parse_scenario
from core.scenario.read_file import read_limited, shown_path
from core.teacher.tolerance import MODES, Tolerance, tolerance_from
from core.text import quote

KIND = "cnn-tui exercise key"
MAX_KEY_BYTES = 64_000_000
DEFAULT_CARRIED = 0.5  # credit for a value that follows correctly from the student's own wrong value


class KeyFileError(CnnTuiError):
    """The key file cannot be used (the message names the file and the field)."""


@dataclass(frozen=True)
class StudentKey:
    """One student's line of the key: the file handed out, its digest and the variant."""

    id: str
    file: str
    digest: str
    variant: dict[str, Any]  # the student file's scenario data (without answers)
    hidden_slips: tuple[str, ...] = ()

    def scenario(self, key_file: str) -> Scenario:
        """The variant, rebuilt from the key (checked against its digest)."""
        from core.teacher.variants import digest

        text = yaml.safe_dump(self.variant, sort_keys=False, allow_unicode=True)
        try:
            scenario = parse_scenario(text, file=tr("{file} (variant of {id})", file=key_file, id=self.id))
        except ScenarioError as err:
            raise KeyFileError(tr("{file}: the variant of {id} is not a valid scenario: {reason}",
                                  file=key_file, id=self.id, reason=err.reason)) from None
        if digest(scenario) != self.digest:
            raise KeyFileError(tr("{file}: the variant of {id} does not match its digest: the key was changed",
                                  file=key_file, id=self.id))
        return scenario


@dataclass(frozen=True)
class Key:
    scenario: str
    title: str
    seed: int
    ask: str
    tolerance: Tolerance
    reveal: str
    carried_forward: float
    students: dict[str, StudentKey]

    def as_data(self) -> dict[str, Any]:
        return {
            "kind": KIND, "format": 1, "scenario": self.scenario, "title": self.title, "seed": self.seed,
            "ask": self.ask, "tolerance": self.tolerance.as_data(), "reveal": self.reveal,
            "credit": {"right": 1, "carried_forward": self.carried_forward},
            "students": {sid: {"file": s.file, "digest": s.digest,
                               **({"hidden_slips": list(s.hidden_slips)} if s.hidden_slips else {}),
                               "variant": s.variant} for sid, s in self.students.items()},
        }

    def text(self) -> str:
        head = ("# cnn-tui exercise key: keep it from the students (it holds every variant; grading\n"
                "# recomputes the exact values from it). `cnn-tui grade key.yaml SUBMISSION...`\n")
        return head + yaml.safe_dump(self.as_data(), sort_keys=False, allow_unicode=True, width=100)


def read_key(path: str | Path) -> Key:
    """Read and check a key file; KeyFileError with one message for anything wrong."""
    path = Path(path)
    file = shown_path(path)
    try:
        raw = read_limited(path, MAX_KEY_BYTES, tr("an exercise key"))
    except CnnTuiError as err:
        raise KeyFileError(str(err)) from None
    if raw is None:
        raise KeyFileError(tr("{file}: over {mb} MB: not a key this tool wrote", file=file,
                              mb=MAX_KEY_BYTES // 1_000_000))
    try:
        data = yaml.safe_load(raw.decode("utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError):
        raise KeyFileError(tr("{file}: not a readable key (expected the key.yaml that `cnn-tui exercise` wrote)",
                              file=file)) from None
    if not isinstance(data, dict) or data.get("kind") != KIND:
        raise KeyFileError(tr("{file}: not an exercise key (expected the key.yaml that `cnn-tui exercise` wrote)",
                              file=file))

    def need(field: str, kind: type | tuple[type, ...]) -> Any:
        value = data.get(field)
        if not isinstance(value, kind) or isinstance(value, bool):
            raise KeyFileError(tr("{file}: {field}: missing or of the wrong kind", file=file, field=field))
        return value

    tol = need("tolerance", dict)
    if len(tol) != 1 or next(iter(tol)) not in MODES:
        raise KeyFileError(tr("{file}: tolerance: expected one of {modes}", file=file,
                              modes=", ".join(m + ": N" for m in MODES)))
    mode, amount = next(iter(tol.items()))
    try:
        tolerance = tolerance_from(mode, amount)
    except CnnTuiError as err:
        raise KeyFileError(f"{file}: tolerance: {err}") from None
    reveal = data.get("reveal", "after")
    if reveal not in REVEALS:
        raise KeyFileError(tr("{file}: reveal: expected one of {reveals}", file=file, reveals=", ".join(REVEALS)))
    credit = data.get("credit") or {}
    carried = credit.get("carried_forward", DEFAULT_CARRIED) if isinstance(credit, dict) else None
    if isinstance(carried, bool) or not isinstance(carried, (int, float)) or not 0 <= carried <= 1:
        raise KeyFileError(tr("{file}: credit.carried_forward: expected a number from 0 to 1", file=file))
    students: dict[str, StudentKey] = {}
    for sid, entry in need("students", dict).items():
        damaged = (not isinstance(sid, str) or student_id_problem(sid) is not None or not isinstance(entry, dict)
                   or not isinstance(entry.get("variant"), dict) or not isinstance(entry.get("digest"), str))
        if damaged:
            raise KeyFileError(tr("{file}: students: the entry {id} is damaged", file=file, id=quote(sid, 40)))
        students[sid] = StudentKey(sid, str(entry.get("file", f"{sid}.yaml")), entry["digest"], entry["variant"],
                                   tuple(str(h) for h in entry.get("hidden_slips") or ()))
    seed = need("seed", int)
    return Key(str(data.get("scenario", "")), str(data.get("title", "")), seed, str(data.get("ask", "all")),
               tolerance, reveal, float(carried), students)
