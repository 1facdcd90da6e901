"""``cnn-tui grade … --tui``: browse the graded students and their answers.

Left, one row per student (score, tampered or unreadable); right, the selected student's
asked values: their value, the exact one, the verdict and the slip. Read-only.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Footer, Header, Static

from core.numbers import fmt
from core.teacher.grade import MISSING, Graded, StudentResult
from core.text import visible
from tui.ascii_view import AsciiApp


def verdict(answer: Graded) -> str:
    """``right``, ``carried forward``, ``missing`` or ``wrong``, as the table shows it."""
    if answer.ok:
        return "right"
    if answer.carried_forward:
        return "carried forward"
    return "missing" if answer.diagnosis == MISSING else "wrong"


class GradeApp(AsciiApp, App[int]):  # AsciiApp: --ascii
    """The class's results: students on the left, the selected one's answers on the right."""

    CSS_PATH = "grade.tcss"
    TITLE = "cnn-tui grade"
    BINDINGS = [Binding("q", "quit", "quit"), Binding("tab", "focus_next", "switch table", show=True)]

    def __init__(self, results: list[StudentResult], title: str) -> None:
        super().__init__()
        self.results = results
        self.sub_title = visible(title)

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal():
            yield DataTable(id="students", cursor_type="row")
            yield DataTable(id="answers", cursor_type="row")
        yield Static(id="detail")
        yield Footer()

    def on_mount(self) -> None:
        students = self.query_one("#students", DataTable)
        students.add_columns("student", "score", "note")
        for r in self.results:
            note = "unreadable" if r.error is not None else ("TAMPERED" if r.tampered else "")
            students.add_row(visible(r.id), f"{r.score:g}/{r.max}", note)
        self.query_one("#answers", DataTable).add_columns("value", "yours", "exact", "verdict", "slip")
        if self.results:
            self.show_student(0)
        students.focus()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "students":
            self.show_student(event.cursor_row)
        elif event.data_table.id == "answers":
            self.show_answer(event.cursor_row)

    def _current(self) -> StudentResult | None:
        row = self.query_one("#students", DataTable).cursor_row
        return self.results[row] if 0 <= row < len(self.results) else None

    def show_student(self, row: int) -> None:
        result = self.results[row]
        table = self.query_one("#answers", DataTable)
        table.clear()
        for a in result.answers:
            yours = "—" if a.expected is None else fmt(a.expected, None)
            table.add_row(a.name, yours, fmt(a.actual, 4), verdict(a), a.diagnosis if not a.ok and a.diagnosis else "")
        detail = self.query_one("#detail", Static)
        if result.error is not None:
            detail.update(visible(result.error))
        elif result.tampered:
            detail.update("tampered: the network, numbers or asked values differ from the variant (score 0)")
        else:
            detail.update(f"{visible(result.id)}: {result.score:g} of {result.max} · {visible(result.file)}")

    def show_answer(self, row: int) -> None:
        result = self._current()
        if result is None or not 0 <= row < len(result.answers):
            return
        a = result.answers[row]
        text = f"{a.name}: {verdict(a)}"
        if a.explanation:
            text += f" — {a.explanation}"
        self.query_one("#detail", Static).update(visible(text))
