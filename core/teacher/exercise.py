"""``cnn-tui exercise``: a variant, a student file and a worksheet per student, and the key.

Everything is drawn and checked before anything is written; then each file is written
atomically (``core.scenario.atomic``). A folder that already holds files is refused
unless ``replace`` is given, and then only the files of this exercise are replaced.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from core.engine.scenario import Scenario
from core.errors import SaveError
from core.i18n import tr, tr_n
from core.os_reason import os_reason
from core.scenario.atomic import write_path
from core.scenario.save import dump_scenario, scenario_data
from core.scenario.targets import quote_path
from core.teacher import worksheet
from core.teacher.key import DEFAULT_CARRIED, Key, StudentKey
from core.teacher.tolerance import Tolerance
from core.teacher.variants import Variant, make_variant

SHEETS = "worksheets"


@dataclass(frozen=True)
class Written:
    """What an exercise wrote: the folder, the files, and notes for the teacher."""

    folder: Path
    files: tuple[Path, ...]
    notes: tuple[str, ...]
    variants: tuple[Variant, ...]


def _existing(folder: Path) -> list[str]:
    try:
        return sorted(os.listdir(folder))
    except FileNotFoundError:
        return []
    except NotADirectoryError:
        raise SaveError(tr("this is a file, not a folder: give a folder for the exercise"),
                        file=quote_path(str(folder))) from None
    except OSError as err:
        raise SaveError(tr("cannot read the folder: {reason}", reason=os_reason(err)),
                        file=quote_path(str(folder))) from None


def make_exercise(base: Scenario, source: str, ids: list[str], seed: int, scope: str, tolerance: Tolerance,
                  reveal: str, folder: str | Path, *, replace: bool = False, pdf: bool = True,
                  progress: Callable[[int, int], None] | None = None) -> Written:
    """Draw every variant, then write ``folder``/ID.yaml, worksheets/ID.md, .tex (.pdf with
    pdflatex) and key.yaml."""
    folder = Path(folder)
    there = _existing(folder)
    if there and not replace:
        raise SaveError(tr_n("the folder is not empty (1 entry, e.g. {first}): choose an empty or new folder, "
                             "or add --replace to replace this exercise's files in it",
                             "the folder is not empty ({n} entries, e.g. {first}): choose an empty or new "
                             "folder, or add --replace to replace this exercise's files in it",
                             len(there), first=quote_path(there[0], 40)), file=quote_path(str(folder)))
    variants: list[Variant] = []
    for i, sid in enumerate(ids):
        variants.append(make_variant(base, seed, sid, scope, tolerance, reveal))
        if progress is not None:
            progress(i + 1, len(ids))
    try:
        (folder / SHEETS).mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise SaveError(tr("cannot create the folder: {reason}", reason=os_reason(err)),
                        file=quote_path(str(folder))) from None
    files: list[Path] = []
    notes: list[str] = []
    replaced = 0
    students: dict[str, StudentKey] = {}
    pdflatex = shutil.which("pdflatex") if pdf else None
    for v in variants:
        target = folder / f"{v.id}.yaml"
        replaced += target.exists()
        files.append(_write_text(target, dump_scenario(v.scenario, target)))
        sheet = folder / SHEETS / v.id
        files.append(_write_text(sheet.with_suffix(".md"), worksheet.markdown(v.scenario, v.id, v.asked, tolerance)))
        tex = worksheet.tex(v.scenario, v.id, v.asked, tolerance)
        files.append(_write_text(sheet.with_suffix(".tex"), tex))
        if pdflatex is not None:
            made = _pdf(pdflatex, tex, sheet.with_suffix(".pdf"))
            if made is None:
                notes.append(tr("pdflatex could not build {id}.pdf: the .tex is there", id=v.id))
                pdflatex = None
            else:
                files.append(made)
        data = scenario_data(v.scenario, target)
        students[v.id] = StudentKey(v.id, target.name, v.digest, data, v.hidden_slips)
    unclear = [v for v in variants if v.hidden_slips]
    if unclear:
        notes.append(tr("{n} of {total} students have asked values where a slip would hardly "
                        "show at these decimals (e.g. {id}: {slip}); key.yaml lists them under hidden_slips",
                        n=len(unclear), total=len(variants), id=unclear[0].id, slip=unclear[0].hidden_slips[0]))
    key = Key(source, base.name, seed, scope, tolerance, reveal, DEFAULT_CARRIED, students)
    files.append(_write_text(folder / "key.yaml", key.text()))
    if pdf and shutil.which("pdflatex") is None:
        notes.append(tr("no pdflatex on this machine: the worksheets are Markdown and LaTeX (.tex) only"))
    if replaced:
        notes.append(tr_n("replaced one student file that was already in the folder",
                          "replaced {n} student files that were already in the folder", replaced))
    return Written(folder, tuple(files), tuple(notes), tuple(variants))


def _write_text(path: Path, text: str) -> Path:
    data = text.encode("utf-8")
    return write_path(path, lambda handle: handle.write(data))


def _pdf(pdflatex: str, tex: str, target: Path) -> Path | None:
    """The worksheet compiled by pdflatex in a scratch folder (no shell escape), or None."""
    with tempfile.TemporaryDirectory() as scratch:
        (Path(scratch) / "sheet.tex").write_text(tex, encoding="utf-8")
        try:
            subprocess.run([pdflatex, "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape",
                            "sheet.tex"], cwd=scratch, capture_output=True, timeout=120, check=True)
        except (OSError, subprocess.SubprocessError):
            return None
        data = (Path(scratch) / "sheet.pdf").read_bytes()
    return write_path(target, lambda handle: handle.write(data))
