"""One entry point for every export format, and a safe way to write the result."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from core.engine.stepper import Stepper
from core.errors import CnnTuiError
from core.i18n import tr
from core.scenario.atomic import write_path

FORMATS = ("markdown", "latex", "pytorch")
SUFFIXES = {"markdown": ".md", "latex": ".tex", "pytorch": ".py"}


def export_text(stepper: Stepper, fmt: str) -> str:
    """The stepper's complete iteration as Markdown, LaTeX or a PyTorch script."""
    if fmt == "markdown":
        from core.exports.markdown import to_markdown

        return to_markdown(stepper)
    if fmt == "latex":
        from core.exports.markdown import to_latex

        return to_latex(stepper)
    if fmt == "pytorch":
        from core.exports.markdown import _require_complete
        from core.exports.pytorch import to_pytorch

        _require_complete(stepper)
        return to_pytorch(stepper)
    raise CnnTuiError(tr("unknown export format '{format}' (expected one of: {formats})", format=fmt,
                         formats=", ".join(FORMATS)))


def write_atomically(path: str | os.PathLike[str], text: str, *, reads: Mapping[Path, str] | None = None) -> Path:
    """Write ``text`` to ``path`` the way a scenario is saved (``core.scenario.atomic``):
    the target checked first, a temporary file renamed into place, permissions kept.
    ``reads`` are files the export came from (the scenario and its samples), never
    overwritten. Any failure is a ``SaveError`` and leaves the old file as it was."""
    return write_path(path, lambda f: f.write(text.encode("utf-8")), reads=reads)
