"""Export one iteration's full derivation to Markdown or LaTeX.

Forward, backward and update, every value with its formula and numbers, and the checks
of the scenario's expected values with ✓/✗ and the diagnosed slips. Everything comes
from the stepper's Derivations (report.derivations); hand-rounding is marked clearly.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from core.engine.stepper import Stepper, rounding_words
from core.exports import latex
from core.exports.report import section_lines
from core.i18n import speaking, tr
from core.learner.checks import Check, run_checks, tally
from core.nn.optim import optimizer_words
from core.numbers import fmt
from core.text import markdown_text


def _heading(stepper: Stepper) -> tuple[str, str]:
    s = stepper.scenario
    samples = ", ".join(str(i + 1) for i in stepper.sample_indices())
    loss = stepper.array("loss")
    assert loss is not None  # a complete iteration (checked by the callers)
    values = dict(iteration=stepper.iteration, samples=samples, loss=fmt(float(loss), s.decimals),
                  rate=fmt(s.learning_rate, None), function=s.loss)
    sub = (tr("Iteration {iteration} (samples {samples}); loss {loss}; learning rate α = {rate}; {function}", **values)
           if stepper.batch_size > 1 else
           tr("Iteration {iteration} (sample {samples}); loss {loss}; learning rate α = {rate}; {function}", **values))
    if optimizer_words(s.optimizer):
        sub += f"; {optimizer_words(s.optimizer)}"
    return s.name, sub


def _rounding_note(stepper: Stepper) -> str | None:
    d = stepper.hand_rounding
    if d is None:
        return None
    return tr("HAND-ROUNDING: {rule}; these are not the exact values.", rule=rounding_words(d))


def _require_complete(stepper: Stepper) -> None:
    from core.errors import StepError

    if stepper.phase().stage != "done":
        raise StepError(tr("export needs a complete iteration (forward, backward and update): next step is {step}",
                           step=stepper.phase().describe()))


def _check_line(c: Check, written: str) -> str:
    """``✓ name: expected …, exact …``; ``written`` is the file's text of the expected value,
    already escaped for the document's language."""
    line = tr("{mark} {name}: expected {written} ({rule}), exact {exact}", mark=c.mark, name=c.name,
              written=written, rule=c.rule, exact=fmt(c.actual, None))
    if c.diagnosis is not None:
        line += f" ({c.diagnosis.slip}: {c.diagnosis.explanation})"
    return line


def to_markdown(stepper: Stepper) -> str:
    """The iteration as a Markdown document."""
    return "".join(markdown_chunks(stepper))


def markdown_chunks(stepper: Stepper) -> Iterator[str]:
    """``to_markdown`` in pieces, each value's line made as it is read (a large document is
    never held whole). Refuses an incomplete iteration before the first piece."""
    _require_complete(stepper)
    return joined(_markdown_lines(stepper))


def _markdown_lines(stepper: Stepper) -> Iterator[str]:
    title, sub = _heading(stepper)
    yield from [f"# {markdown_text(title)}", "", sub, ""]
    note = _rounding_note(stepper)
    if note:
        yield from [f"> **{note}**", ""]
    for section, items in section_lines(stepper, stepper.scenario.decimals):
        yield from [f"## {tr(section)}", ""]
        for line in items:
            yield f"- `{line}`"
        yield ""
    checks = run_checks(stepper, stepper.scenario.expected)
    if checks:
        yield from [tr("## Checks: {tally}", tally=tally(checks)), ""]
        yield from [f"- {_check_line(c, markdown_text(c.expected.text.replace('-', '−')))}" for c in checks]
        yield ""


def joined(lines: Iterable[str]) -> Iterator[str]:
    """``"\n".join(lines)`` in pieces: each line, and the newline before every one but the first."""
    first = True
    for line in lines:
        yield line if first else "\n" + line
        first = False


_PREAMBLE = r"""\documentclass[10pt]{article}
\usepackage[utf8]{inputenc}
\usepackage[margin=2cm]{geometry}
\usepackage{amsmath,amssymb}
\setlength{\parindent}{0pt}
\setlength{\parskip}{3pt}
\sloppy
"""


def to_latex(stepper: Stepper) -> str:
    """The iteration as a LaTeX document (article class, amsmath and amssymb only), in English
    whatever the interface speaks: a stock pdflatex has no Chinese fonts."""
    return "".join(latex_chunks(stepper))


def latex_chunks(stepper: Stepper) -> Iterator[str]:
    """``to_latex`` in pieces (see ``markdown_chunks``), each made in English."""
    _require_complete(stepper)
    return speaking("en", _latex_pieces(stepper))


def _latex_pieces(stepper: Stepper) -> Iterator[str]:
    yield from joined(_latex_lines(stepper))
    yield "\n"


def _latex_lines(stepper: Stepper) -> Iterator[str]:
    title, sub = _heading(stepper)
    yield from [_PREAMBLE, r"\begin{document}", r"\section*{" + latex.text(title) + "}", latex.text(sub), ""]
    note = _rounding_note(stepper)
    if note:
        yield from [r"\fbox{\parbox{0.95\linewidth}{\textbf{" + latex.text(note) + "}}}", ""]
    for section, items in section_lines(stepper, stepper.scenario.decimals):
        yield r"\subsection*{" + latex.text(tr(section)) + "}"
        for line in items:
            yield "$" + latex.math(line) + "$\\par"
        yield ""
    checks = run_checks(stepper, stepper.scenario.expected)
    if checks:
        yield r"\subsection*{" + latex.text(tr("Checks: {tally}", tally=tally(checks))) + "}"
        yield r"\begin{itemize}"
        yield from [r"\item " + latex.text(_check_line(c, c.expected.text.replace("-", "−"))) for c in checks]
        yield r"\end{itemize}"
    yield r"\end{document}"
