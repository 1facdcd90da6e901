"""A folder that opens and saves are confined to (``cnn-tui serve --root DIR``).

When the app is served to browsers, whoever opens the page types the paths: every path
they give is taken inside the folder (a relative one from it), resolved — ``..`` and
symbolic links followed — and refused unless what it names lies inside the folder. The
refusal is one ``OutsideRoot`` message; nothing outside is read, listed or written.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from core.errors import CnnTuiError
from core.i18n import tr
from core.scenario.catalog import bundled_names
from core.scenario.targets import quote_path

if TYPE_CHECKING:
    from core.engine.scenario import Scenario


class OutsideRoot(CnnTuiError):
    """A path that names something outside the folder files are confined to."""


class Root:
    """The folder; ``inside`` turns a typed path into the resolved path it names, or refuses it."""

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        try:
            self.folder = Path(folder).expanduser().resolve(strict=True)
        except (OSError, RuntimeError):
            raise CnnTuiError(tr("the folder {path} does not exist", path=quote_path(str(folder)))) from None
        if not self.folder.is_dir():
            raise CnnTuiError(tr("{path} is not a folder", path=quote_path(str(folder))))

    def refusal(self, typed: str) -> OutsideRoot:
        return OutsideRoot(tr("{path} is outside the folder this session may use ({folder})",
                              path=quote_path(typed), folder=quote_path(str(self.folder))))

    def inside(self, typed: str | os.PathLike[str]) -> Path:
        """The resolved path ``typed`` names, read from the folder; OutsideRoot unless it is in it.

        ``~`` is not expanded (it would be the server's home); ``..`` and every symbolic link
        on the way (the last part too, when it exists) are followed before the check, so a link
        inside the folder that points out of it is refused."""
        text = os.fspath(typed)
        try:
            candidate = Path(text)
            resolved = (candidate if candidate.is_absolute() else self.folder / candidate).resolve()
        except (OSError, RuntimeError, ValueError):  # a link loop, a NUL
            raise self.refusal(text) from None
        if resolved != self.folder and not resolved.is_relative_to(self.folder):
            raise self.refusal(text)
        return resolved

    def contains(self, path: Path) -> bool:
        """Is ``path`` (resolved) inside the folder?"""
        try:
            self.inside(path)
        except OutsideRoot:
            return False
        return True

    def open_target(self, typed: str) -> str:
        """What to load for ``typed``: a bundled name as it is (the package's own read-only
        files, unless the folder holds a file of that name), otherwise the path inside the folder."""
        if typed in bundled_names() and not (self.folder / typed).exists():
            return typed
        return str(self.inside(typed))

    def load(self, typed: str) -> Scenario:
        """Load what ``typed`` names inside the folder (or a bundled scenario); a scenario
        whose sample files lie outside the folder is refused too."""
        from core.scenario.catalog import load
        from core.scenario.save import sample_files

        target = self.open_target(typed)
        scenario = load(target)
        if target == typed and typed in bundled_names():
            return scenario  # the package's own, read-only
        for file in sample_files(scenario):
            if not self.contains(file):
                raise OutsideRoot(tr("{path} reads {file}, outside the folder this session may use ({folder})",
                                     path=quote_path(typed), file=quote_path(str(file)),
                                     folder=quote_path(str(self.folder))))
        return scenario
