"""What an unasked save may replace: only a file of the kind it writes.

The TUI asks before replacing an existing file; a headless command cannot ask, so
``train --save`` replaces only a YAML file (``.yaml``, ``.yml``: a scenario, as saving
writes) and ``export -o`` only a file of the export's own kind (``.md``, ``.tex``, ``.py``).
A user's notes, an npz of samples or any other file is refused with a message before any
work, never overwritten. The kind is told by the name of the file really replaced (a
symlink's target), never by reading it.
"""

from __future__ import annotations

from core.errors import SaveError
from core.i18n import tr
from core.scenario.targets import Target

SCENARIO_SUFFIXES = (".yaml", ".yml")


def refuse_unless_kind(target: Target, suffixes: tuple[str, ...], what: str) -> None:
    """SaveError unless the target is new or its (real) name ends in one of ``suffixes``."""
    if target.exists and target.path.suffix.lower() not in suffixes:
        raise SaveError(tr("this file exists and is not {what}: this command replaces only {what} ({join}); choose "
                           "another name (nothing was written)", what=what, join=', '.join(suffixes)),
                        file=target.shown)


def refuse_unless_scenario(target: Target) -> None:
    """``train --save``: a new file, or an existing scenario (YAML) file."""
    refuse_unless_kind(target, SCENARIO_SUFFIXES, tr("a scenario file"))


def refuse_unless_suffix(target: Target, suffix: str) -> None:
    """``export -o``: a new file, or an existing file of the export's kind."""
    refuse_unless_kind(target, (suffix,), f"a {suffix} file")
