"""``cnn-tui grade … --tui``: browse the graded students and their answers.

Left, one row per student (score, tampered or unreadable); right, the selected student's
asked values: their value, the exact one, the verdict and the slip. Read-only.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.containers import Horizontal
from textual.widgets import DataTable, Footer, Header, Static

from core.i18n import mark, tr
from core.numbers import fmt
from core.teacher.grade import MISSING, Graded, StudentResult
from core.text import visible
from tui.ascii_view import AsciiApp

# a verdict's word, marked with its context ("right" alone is also the arrow key's word, which
# Chinese says differently); the context is left out when it is shown
VERDICT = "verdict: "
VERDICTS = {"right": mark("verdict: right"), "carried": mark("verdict: carried forward"),
            "missing": mark("verdict: missing"), "wrong": mark("verdict: wrong")}


def verdict(answer: Graded) -> str:
    """``right``, ``carried forward``, ``missing`` or ``wrong``, as the table shows it."""
    if answer.ok:
        kind = "right"
    elif answer.carried_forward:
        kind = "carried"
    else:
        kind = "missing" if answer.diagnosis == MISSING else "wrong"
    return tr(VERDICTS[kind]).removeprefix(VERDICT)


ANSWER_COLUMNS = (mark("value"), mark("yours"), mark("exact"), mark("verdict"), mark("slip"))


class GradeApp(AsciiApp, App[int]):  # AsciiApp: --ascii
    """The class's results: students on the left, the selected one's answers on the right."""

    CSS_PATH = "grade.tcss"
    TITLE = "cnn-tui grade"
    def __init__(self, results: list[StudentResult], title: str) -> None:
        super().__init__()
        # bound here, not in BINDINGS: the footer shows their words in the language spoken now
        self.bind("q", "quit", description=tr("quit"))
        self.bind("tab", "focus_next", description=tr("switch table"), show=True)
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
        students.add_columns(tr("student"), tr("score"), tr("note"))
        for r in self.results:
            note = tr("unreadable") if r.error is not None else (tr("TAMPERED") if r.tampered else "")
            students.add_row(visible(r.id), f"{r.score:g}/{r.max}", note)
        self.query_one("#answers", DataTable).add_columns(*(tr(word) for word in ANSWER_COLUMNS))
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
            detail.update(tr("tampered: the network, numbers or asked values differ from the variant (score 0)"))
        else:
            detail.update(tr("{student}: {score:g} of {max} · {file}", student=visible(result.id), score=result.score,
                             max=result.max, file=visible(result.file)))

    def show_answer(self, row: int) -> None:
        result = self._current()
        if result is None or not 0 <= row < len(result.answers):
            return
        a = result.answers[row]
        text = tr("{name}: {verdict}", name=a.name, verdict=verdict(a))
        if a.explanation:
            text += f" — {a.explanation}"
        self.query_one("#detail", Static).update(visible(text))
