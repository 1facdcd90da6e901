"""Find scenarios: a bundled one by name (``tiny-cnn``) or a file by path."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from core.errors import ScenarioError
from core.i18n import tr
from core.os_reason import os_reason
from core.scenario.read_file import shown_path

if TYPE_CHECKING:
    from core.engine.scenario import Scenario


def bundled_dir() -> Path:
    """The folder of the bundled scenarios (package data of ``scenarios``). The package's own
    folder, as ``importlib.resources.files`` gives it for an installed package (which imports
    zipfile and its readers for that: ~1.3 ms of the TUI's launch)."""
    import scenarios

    return Path(scenarios.__path__[0])


def bundled_names() -> list[str]:
    return sorted(p.stem for p in bundled_dir().glob("*.yaml"))


def bundled_titles() -> list[tuple[str, str]]:
    """(name, title) of every bundled scenario, reading only each file's ``name`` line."""
    import yaml  # (not for a launch: a file read before comes from the parsed cache)

    rows = []
    for name in bundled_names():
        title = name
        with open(bundled_dir() / f"{name}.yaml", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("name:"):
                    title = str(yaml.safe_load(line)["name"])
                    break
        rows.append((name, title))
    return rows


def resolve(path_or_name: str) -> Path:
    """A path that exists, or the bundled scenario of that name; ScenarioError otherwise."""
    try:
        path = Path(path_or_name).expanduser()
        exists = path.exists()
    except (RuntimeError, OSError) as err:  # ~nosuchuser, a name too long for the system
        raise ScenarioError(tr("not a usable path ({value})", value=os_reason(err, str(err))),
                            file=shown_path(Path(path_or_name))) from None
    if exists:
        return path
    if "/" not in path_or_name and not path_or_name.endswith((".yaml", ".yml")):
        bundled = bundled_dir() / f"{path_or_name}.yaml"
        if bundled.exists():
            return bundled
        names = ", ".join(bundled_names())
        raise ScenarioError(tr("no such file, and no bundled scenario of that name (bundled: {names})", names=names),
                            file=shown_path(Path(path_or_name)))
    raise ScenarioError(tr("no such file"), file=shown_path(Path(path_or_name)))


def load(path_or_name: str) -> Scenario:
    """Resolve and load a scenario."""
    from core.scenario.load import load_scenario

    return load_scenario(resolve(path_or_name))
