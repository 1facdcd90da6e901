"""Issue 13: `cnn-tui exercise` and `cnn-tui grade` from the command line: one clear
message for a bad roster, never writing into a non-empty folder unasked, files whole."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from core.scenario.load import load_scenario
from tui.cli import main


def _roster(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "roster.csv"
    path.write_text(text)
    return path


@pytest.mark.parametrize(("text", "message"), [
    ("name,email\nAna,a@x\n", "no column 'id'"),
    ("id,name\nana,Ana\nbo,Bo\nANA,Ana again\n", "line 4: the id 'ANA' is already on line 2"),
    ("id\nana\n../evil\n", "line 3: id '../evil': an id becomes a file name"),
    ("id\nana\na/b\n", "line 3"),
    ("id\nkey\n", "clash with the teacher's files"),
    ("id\nana\n\"\"\n", ""),  # an empty row is skipped: fine
    ("id,name\n,Nobody\n", "an id cannot be empty"),
    ("id\nana bo\n", "no spaces"),
])
def test_roster_errors_give_one_clear_message(tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str,
                                              message: str) -> None:
    out = tmp_path / "out"
    code = main(["exercise", "two-layer-sigmoid", "--students", str(_roster(tmp_path, text)), "-o", str(out)])
    err = capsys.readouterr().err
    if not message:
        assert code == 0 and (out / "ana.yaml").is_file()
        return
    assert code == 1 and message in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert not out.exists()  # nothing written


def test_exercise_writes_students_key_and_worksheets_and_refuses_a_non_empty_folder(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "hw"
    assert main(["exercise", "two-layer-sigmoid", "--count", "3", "--seed", "9", "--ask", "deltas",
                 "-o", str(out)]) == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == ["key.yaml", "s01.yaml", "s02.yaml", "s03.yaml", "worksheets"]
    sheets = {p.name for p in (out / "worksheets").iterdir()}
    assert {"s01.md", "s01.tex", "s03.md"} <= sheets
    if shutil.which("pdflatex"):  # the LaTeX worksheet compiles
        assert (out / "worksheets" / "s01.pdf").read_bytes().startswith(b"%PDF")
    assert not [p for p in out.rglob(".*.tmp")]  # atomic writes leave no temporary files
    student = load_scenario(out / "s02.yaml")
    assert student.exercise.id == "s02" and student.expected == {}
    assert list(student.exercise.ask) == ["out.grad_out[0]", "out.grad_out[1]", "out.delta[0]", "out.delta[1]",
                                          "hidden.grad_out[0]", "hidden.grad_out[1]", "hidden.delta[0]",
                                          "hidden.delta[1]"]
    sheet = (out / "worksheets" / "s02.md").read_text()
    assert "`hidden.delta[1]`" in sheet and "`out.weight[0,0]`" in sheet
    before = (out / "s01.yaml").read_bytes()
    capsys.readouterr()
    assert main(["exercise", "two-layer-sigmoid", "--count", "2", "--seed", "1", "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "not empty" in err and "--replace" in err
    assert (out / "s01.yaml").read_bytes() == before  # nothing touched
    assert main(["exercise", "two-layer-sigmoid", "--count", "2", "--seed", "1", "-o", str(out), "--replace"]) == 0
    assert "replaced 2 student files" in capsys.readouterr().out


def test_exercise_is_reproducible_from_the_seed(tmp_path: Path) -> None:
    for name in ("a", "b"):
        assert main(["exercise", "xor-tanh", "--count", "2", "--seed", "4", "-o", str(tmp_path / name)]) == 0
    assert (tmp_path / "a" / "s02.yaml").read_bytes() == (tmp_path / "b" / "s02.yaml").read_bytes()
    assert (tmp_path / "a" / "key.yaml").read_bytes() == (tmp_path / "b" / "key.yaml").read_bytes()


def test_grade_prints_json_and_writes_csv_report_and_feedback(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "hw"
    assert main(["exercise", "xor-tanh", "--count", "2", "--ask", "out", "-o", str(out)]) == 0
    from core.engine.stepper import Stepper

    scenario = load_scenario(out / "s01.yaml")
    stepper = Stepper(scenario)
    stepper.run_iteration()
    answers = {n: round(stepper.value(n), scenario.decimals) for n in scenario.exercise.ask}
    answers["out.delta[0]"] = -answers["out.delta[0]"]
    sub = tmp_path / "s01.yaml"
    written = "".join(f"  {k}: {v}\n" for k, v in answers.items())
    sub.write_text((out / "s01.yaml").read_text() + "expected:\n" + written)
    capsys.readouterr()
    code = main(["grade", str(out / "key.yaml"), str(sub), str(out / "s02.yaml"), str(out / "key.yaml"), "--json",
                 "--csv", str(tmp_path / "g.csv"), "--report", str(tmp_path / "r.md"),
                 "--feedback", str(tmp_path / "fb")])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    doc = json.loads(captured.out)
    assert [(s["id"], s["score"], s["max"], s["tampered"]) for s in doc["students"]] == [
        ("s01", len(answers) - 1, len(answers), False), ("s02", 0, len(answers), False)]
    assert doc["slips"] == {"missing": len(answers), "sign": 1}
    assert "skipped key.yaml: it is the key" in captured.err
    assert (tmp_path / "g.csv").read_text().startswith("id,score,max,tampered,")
    assert "## Slips by frequency" in (tmp_path / "r.md").read_text()
    assert "**sign**" in (tmp_path / "fb" / "s01.md").read_text()


def test_grade_with_a_file_that_is_not_a_key_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bogus = tmp_path / "key.yaml"
    bogus.write_text("format: 1\nname: x\n")
    assert main(["grade", str(bogus), str(bogus)]) == 1
    err = capsys.readouterr().err
    assert "not an exercise key" in err and len(err.strip().splitlines()) == 1


def test_a_second_file_for_the_same_student_is_not_graded_twice(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "hw"
    assert main(["exercise", "xor-tanh", "--count", "1", "--ask", "out.delta", "-o", str(out)]) == 0
    copy = tmp_path / "copy.yaml"
    copy.write_text((out / "s01.yaml").read_text())
    capsys.readouterr()
    assert main(["grade", str(out / "key.yaml"), str(out / "s01.yaml"), str(copy), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert [s["id"] for s in doc["students"]] == ["s01", "s01"]
    assert "error" not in doc["students"][0] and "a second file for s01" in doc["students"][1]["error"]


def test_an_output_that_is_a_file_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "notes.txt"
    target.write_text("mine")
    assert main(["exercise", "xor-tanh", "--count", "2", "-o", str(target)]) == 1
    err = capsys.readouterr().err
    assert "not a folder" in err and len(err.strip().splitlines()) == 1
    assert target.read_text() == "mine"


def test_a_scope_that_picks_nothing_is_refused_before_anything_is_written(tmp_path: Path,
                                                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["exercise", "xor-tanh", "--count", "2", "--ask", "conv", "-o", str(tmp_path / "hw")]) == 1
    err = capsys.readouterr().err
    assert "--ask conv picks no value" in err and not (tmp_path / "hw").exists()
