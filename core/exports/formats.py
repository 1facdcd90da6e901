"""One entry point for every export format, and a safe way to write the result."""

from __future__ import annotations

import os
from pathlib import Path

from core.engine.stepper import Stepper
from core.errors import CnnTuiError

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
    raise CnnTuiError(f"unknown export format '{fmt}' (expected one of: {', '.join(FORMATS)})")


def write_atomically(path: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` to a temporary file beside ``path`` and rename it into place
    (the same atomic write, and the same file permissions, as saving a scenario)."""
    from core.scenario.save import write_bytes_atomically

    target = Path(path).expanduser()
    if target.is_dir():
        raise CnnTuiError(f"{target}: this is a folder; give a file name")
    if not target.parent.is_dir():
        raise CnnTuiError(f"{target}: the folder {target.parent} does not exist")
    try:
        write_bytes_atomically(target, lambda f: f.write(text.encode("utf-8")))
    except OSError as err:
        raise CnnTuiError(f"{target}: cannot write the file: {err.strerror}") from None
    return target
