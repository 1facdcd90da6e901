"""What grading tells: a terminal table, JSON (contract §7), a gradebook CSV, feedback
for each student in Markdown, and a class report (share right per value, slips by
frequency, the most common wrong answers) as tables and text bar charts."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter

from core.engine.stepper import Stepper
from core.explain.explainer import explain
from core.i18n import tr
from core.numbers import fmt
from core.teacher.grade import MISSING, StudentResult
from core.teacher.key import Key
from core.text import cells, markdown_text, pad, visible

BAR = 30  # characters of a full bar


def counted(results: list[StudentResult]) -> list[StudentResult]:
    """The results whose slips count for the class: readable, untampered submissions."""
    return [r for r in results if not r.tampered and r.error is None]


def slips(results: list[StudentResult]) -> dict[str, int]:
    """Every diagnosed slip (``missing`` included) over the class, most frequent first."""
    counts = Counter(a.diagnosis for r in counted(results) for a in r.answers if not a.ok and a.diagnosis)
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def to_json(results: list[StudentResult]) -> str:
    return json.dumps({"students": [r.as_json() for r in results], "slips": slips(results)}, indent=1,
                      ensure_ascii=False)


def _score(value: float) -> str:
    return f"{value:g}"


def table(results: list[StudentResult]) -> str:
    """One line per student: id, score of max, and what went wrong."""
    student, score_word = tr("student"), tr("score")
    width = max([cells(student), *(cells(visible(r.id)) for r in results)])
    lines = [f"{pad(student, width)}  {pad(score_word, 9, right=True)}  {tr('notes')}"]
    for r in results:
        if r.error is not None:
            note = visible(r.error)[:100]
        elif r.tampered:
            note = tr("TAMPERED: the network, numbers or asked values differ from the variant (score 0)")
        else:
            wrong = [a for a in r.answers if not a.ok]
            parts = Counter(tr("carried forward") if a.carried_forward else (a.diagnosis or tr("wrong"))
                            for a in wrong)
            note = ", ".join(f"{n} {what}" for what, n in parts.most_common()) or tr("all right")
        score = f"{_score(r.score)}/{r.max}"
        lines.append(f"{pad(visible(r.id), width)}  {score:>9}  {note}")
    class_slips = slips(results)
    if class_slips:
        lines.append(tr("slips: {slips}", slips=", ".join(f"{name} {n}" for name, n in class_slips.items())))
    return "\n".join(lines) + "\n"


def gradebook_csv(results: list[StudentResult], asked: list[str]) -> str:
    """id, score, max, tampered, then the credit of each asked value (one column each)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["id", "score", "max", "tampered", *asked])
    for r in results:
        credit = {a.name: a.credit for a in r.answers}
        cells = [_score(credit[n]) if n in credit and r.error is None and not r.tampered else "0" for n in asked]
        writer.writerow([r.id, _score(r.score), r.max, "yes" if r.tampered else "no", *cells])
    return buffer.getvalue()


def feedback(result: StudentResult, key: Key, key_file: str) -> str:
    """A student's feedback: the score, then each wrong value with the slip named and,
    unless the key says ``reveal: never``, the right value and its derivation."""
    out = [tr("# Feedback for {id}", id=markdown_text(result.id)), "",
           tr("Score: **{score} of {max}**", score=_score(result.score), max=result.max), ""]
    if result.error is not None:
        return "\n".join(out + [markdown_text(result.error), ""])
    if result.tampered:
        out += [tr("The file's network, numbers or asked values differ from the exercise handed out, so it "
                   "could not be graded (score 0). Work on the file as it was given."), ""]
        return "\n".join(out)
    wrong = [a for a in result.answers if not a.ok]
    if not wrong:
        return "\n".join(out + [tr("Every value is right."), ""])
    reveal = key.reveal != "never"
    stepper = None
    if reveal:
        stepper = Stepper(key.students[result.id].scenario(key_file))
        stepper.run_iteration()
    for a in wrong:
        given = tr("no answer") if a.expected is None else tr("you wrote {value}", value=fmt(a.expected, None))
        out.append(f"## `{a.name}`: {given}")
        out.append("")
        if a.carried_forward:
            out.append(tr("It follows correctly from your own earlier value(s): {credit} credit "
                          "(error carried forward). Fix the earlier value first.", credit=_score(a.credit)))
        elif a.diagnosis == MISSING:
            out.append(tr("No answer was given."))
        elif a.diagnosis:
            out.append(tr("Slip: **{slip}**: {explanation}.", slip=a.diagnosis,
                          explanation=markdown_text(a.explanation or "")))
        else:
            out.append(tr("No usual slip explains it: check the arithmetic."))
        if stepper is not None:
            der = explain(stepper, a.name, stepper.scenario.decimals)
            out += ["", tr("The right derivation:"), "", "```", *der.lines(), "```"]
        out.append("")
    return "\n".join(out)


def _bar(share: float) -> str:
    full = round(share * BAR)
    return "█" * full + "·" * (BAR - full)


def class_report(results: list[StudentResult], key: Key, asked: list[str]) -> str:
    """The class at a glance: scores, share right per asked value, slips, common wrong answers."""
    graded = counted(results)
    out = [tr("# Class report: {title}", title=markdown_text(key.title)), "",
           tr("{n} submission(s); {graded} graded; {tampered} tampered; {unreadable} unreadable.",
              n=len(results), graded=len(graded), tampered=sum(r.tampered for r in results),
              unreadable=sum(r.error is not None for r in results)),
           ""]
    if graded:
        mean = sum(r.score for r in graded) / len(graded)
        out += [tr("Mean score {mean:.2f} of {max}.", mean=mean, max=graded[0].max), ""]
    out += [tr("## Share right per value"), "", tr("| value | right | share | |"), "|---|---|---|---|"]
    for name in asked:
        right = sum(1 for r in graded for a in r.answers if a.name == name and a.ok)
        share = right / len(graded) if graded else 0.0
        out.append(f"| `{name}` | {right}/{len(graded)} | {100 * share:.0f}% | `{_bar(share)}` |")
    out += ["", tr("## Slips by frequency"), ""]
    counts = slips(results)
    if counts:
        top = max(counts.values())
        out += [tr("| slip | count | |"), "|---|---|---|"]
        out += [f"| {name} | {n} | `{_bar(n / top)}` |" for name, n in counts.items()]
    else:
        out.append(tr("No slips."))
    out += ["", tr("## Most common wrong answers"), "", tr("| value | answer | students | slip |"), "|---|---|---|---|"]
    any_wrong = False
    for name in asked:
        wrong = Counter((fmt(a.expected, None), a.diagnosis or (tr("carried forward") if a.carried_forward else "—"))
                        for r in graded for a in r.answers if a.name == name and not a.ok and a.expected is not None)
        for (value, slip), n in wrong.most_common(3):
            any_wrong = True
            out.append(f"| `{name}` | {value} | {n} | {slip} |")
    if not any_wrong:
        out.append("| — | — | — | — |")
    return "\n".join(out) + "\n"
