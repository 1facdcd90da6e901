"""The students an exercise is for: ``--count N`` (s01, s02, …) or a roster CSV with a
column ``id``. Every id becomes a file name, so each is checked first, with one message."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from core.engine.scenario import student_id_problem
from core.errors import CnnTuiError
from core.scenario.read_file import read_limited, shown_path
from core.text import quote

MAX_STUDENTS = 1000
MAX_ROSTER_BYTES = 1_000_000


class RosterError(CnnTuiError):
    """A roster (or a count of students) cannot be used; the message says why."""


def counted_ids(count: int) -> list[str]:
    """``s01 … sNN`` (at least two digits, as many as ``count`` needs)."""
    if not 1 <= count <= MAX_STUDENTS:
        raise RosterError(f"--count is a number of students from 1 to {MAX_STUDENTS:,}, got {count:,}")
    width = max(2, len(str(count)))
    return [f"s{i:0{width}d}" for i in range(1, count + 1)]


def roster_ids(path: str | Path) -> list[str]:
    """The ids of a roster CSV, in file order; RosterError for a missing ``id`` column, an
    empty or duplicate id (ids differing only in case clash on many file systems) or an id
    that cannot be a file name."""
    path = Path(path)
    file = shown_path(path)
    try:
        data = read_limited(path, MAX_ROSTER_BYTES, "a roster")
    except CnnTuiError as err:
        raise RosterError(str(err)) from None
    if data is None:
        raise RosterError(f"{file}: a roster is at most {MAX_ROSTER_BYTES:,} bytes")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RosterError(f"{file}: not a text file (expected a UTF-8 CSV with a column 'id')") from None
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as err:
        raise RosterError(f"{file}: not a readable CSV ({err})") from None
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if not rows:
        raise RosterError(f"{file}: the roster is empty (expected a header line with a column 'id')")
    header = [cell.strip().lower() for cell in rows[0]]
    if "id" not in header:
        shown = ", ".join(quote(h, 20) for h in header[:6]) or "nothing"
        raise RosterError(f"{file}: line 1: the roster has no column 'id' (its columns: {shown})")
    column = header.index("id")
    ids: list[str] = []
    seen: dict[str, int] = {}
    for line, row in enumerate(rows[1:], start=2):
        sid = row[column].strip() if column < len(row) else ""
        problem = student_id_problem(sid)
        if problem is not None:
            raise RosterError(f"{file}: line {line}: id '{quote(sid, 40)}': {problem}")
        if sid.lower() in seen:
            raise RosterError(f"{file}: line {line}: the id '{quote(sid, 40)}' is already on line "
                              f"{seen[sid.lower()]} (ids must differ, even in upper and lower case)")
        seen[sid.lower()] = line
        ids.append(sid)
    if not ids:
        raise RosterError(f"{file}: the roster has a header but no students")
    if len(ids) > MAX_STUDENTS:
        raise RosterError(f"{file}: {len(ids):,} students; at most {MAX_STUDENTS:,} per exercise")
    return ids
