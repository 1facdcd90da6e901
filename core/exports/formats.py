"""One entry point for every export format, and a safe way to write the result."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import BinaryIO

from core.engine.stepper import Stepper
from core.errors import CnnTuiError
from core.i18n import tr
from core.scenario.atomic import write_path

FORMATS = ("markdown", "latex", "pytorch")
SUFFIXES = {"markdown": ".md", "latex": ".tex", "pytorch": ".py"}


def export_text(stepper: Stepper, fmt: str) -> str:
    """The stepper's complete iteration as Markdown, LaTeX or a PyTorch script."""
    return "".join(export_chunks(stepper, fmt))


def export_chunks(stepper: Stepper, fmt: str) -> Iterator[str]:
    """``export_text`` in pieces of about 64 KB, made as they are read: a large document is
    written as it is produced, never held whole. What is refused (an unknown format, an
    incomplete iteration) is refused by this call, before the first piece."""
    if fmt == "markdown":
        from core.exports.markdown import markdown_chunks

        return _grouped(markdown_chunks(stepper))
    if fmt == "latex":
        from core.exports.markdown import latex_chunks

        return _grouped(latex_chunks(stepper))
    if fmt == "pytorch":
        from core.exports.markdown import _require_complete
        from core.exports.pytorch import to_pytorch

        _require_complete(stepper)
        return iter([to_pytorch(stepper)])
    raise CnnTuiError(tr("unknown export format '{format}' (expected one of: {formats})", format=fmt,
                         formats=", ".join(FORMATS)))


CHUNK = 1 << 16  # characters a piece gathers before it is handed on


def _grouped(pieces: Iterable[str]) -> Iterator[str]:
    """Small pieces (lines) gathered into pieces of about ``CHUNK`` characters."""
    held: list[str] = []
    size = 0
    for piece in pieces:
        held.append(piece)
        size += len(piece)
        if size >= CHUNK:
            yield "".join(held)
            held, size = [], 0
    if held:
        yield "".join(held)


def write_atomically(path: str | os.PathLike[str], text: str | Iterable[str], *,
                     reads: Mapping[Path, str] | None = None) -> Path:
    """Write ``text`` (or its pieces, each written as it comes) to ``path`` the way a
    scenario is saved (``core.scenario.atomic``): the target checked first, a temporary file
    renamed into place, permissions kept.
    ``reads`` are files the export came from (the scenario and its samples), never
    overwritten. Any failure is a ``SaveError`` and leaves the old file as it was."""
    pieces = [text] if isinstance(text, str) else text

    def write(handle: BinaryIO) -> None:
        for piece in pieces:
            handle.write(piece.encode("utf-8"))
    return write_path(path, write, reads=reads)
