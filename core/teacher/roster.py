"""The students an exercise is for: ``--count N`` (s01, s02, …) or a roster CSV with a
column ``id``. Every id becomes a file name, so each is checked first, with one message."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from core.engine.scenario import student_id_problem
from core.errors import CnnTuiError
from core.i18n import tr
from core.scenario.read_file import read_limited, shown_path
from core.text import quote

MAX_STUDENTS = 1000
MAX_ROSTER_BYTES = 1_000_000


class RosterError(CnnTuiError):
    """A roster (or a count of students) cannot be used; the message says why."""


def counted_ids(count: int) -> list[str]:
    """``s01 … sNN`` (at least two digits, as many as ``count`` needs)."""
    if not 1 <= count <= MAX_STUDENTS:
        raise RosterError(tr("--count is a number of students from 1 to {most:,}, got {count:,}",
                               most=MAX_STUDENTS, count=count))
    width = max(2, len(str(count)))
    return [f"s{i:0{width}d}" for i in range(1, count + 1)]


def roster_ids(path: str | Path) -> list[str]:
    """The ids of a roster CSV, in file order; RosterError for a missing ``id`` column, an
    empty or duplicate id (ids differing only in case clash on many file systems) or an id
    that cannot be a file name."""
    path = Path(path)
    file = shown_path(path)
    try:
        data = read_limited(path, MAX_ROSTER_BYTES, tr("a roster"))
    except CnnTuiError as err:
        raise RosterError(str(err)) from None
    if data is None:
        raise RosterError(tr("{file}: a roster is at most {most:,} bytes", file=file, most=MAX_ROSTER_BYTES))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RosterError(tr("{file}: not a text file (expected a UTF-8 CSV with a column 'id')", file=file)) from None
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as err:
        raise RosterError(tr("{file}: not a readable CSV ({reason})", file=file, reason=err)) from None
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if not rows:
        raise RosterError(tr("{file}: the roster is empty (expected a header line with a column 'id')", file=file))
    header = [cell.strip().lower() for cell in rows[0]]
    if "id" not in header:
        shown = ", ".join(quote(h, 20) for h in header[:6]) or tr("nothing")
        raise RosterError(tr("{file}: line 1: the roster has no column 'id' (its columns: {columns})",
                             file=file, columns=shown))
    column = header.index("id")
    ids: list[str] = []
    seen: dict[str, int] = {}
    for line, row in enumerate(rows[1:], start=2):
        sid = row[column].strip() if column < len(row) else ""
        problem = student_id_problem(sid)
        if problem is not None:
            raise RosterError(tr("{file}: line {line}: id '{id}': {problem}", file=file, line=line,
                                 id=quote(sid, 40), problem=problem))
        if sid.lower() in seen:
            raise RosterError(tr("{file}: line {line}: the id '{id}' is already on line {first} (ids must "
                                 "differ, even in upper and lower case)", file=file, line=line,
                                 id=quote(sid, 40), first=seen[sid.lower()]))
        seen[sid.lower()] = line
        ids.append(sid)
    if not ids:
        raise RosterError(tr("{file}: the roster has a header but no students", file=file))
    if len(ids) > MAX_STUDENTS:
        raise RosterError(tr("{file}: {n:,} students; at most {most:,} per exercise", file=file, n=len(ids),
                             most=MAX_STUDENTS))
    return ids
