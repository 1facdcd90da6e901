"""Issue 14: the teacher's desk speaks Chinese under ``--lang zh`` — worksheets, the gradebook
table, feedback and the class report — while names, numbers and the LaTeX worksheet (English:
a stock pdflatex has no Chinese fonts) stay as they are."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from core.engine.stepper import Stepper
from core.i18n import using_language
from core.scenario.catalog import load
from core.scenario.load import load_scenario
from core.teacher.exercise import make_exercise
from core.teacher.grade import grade_file
from core.teacher.key import read_key
from core.teacher.report import class_report, feedback, table
from core.teacher.tolerance import Tolerance
from core.text import cells, pad
from tui.cli import main


def _exercise(folder: Path, lang: str) -> None:
    with using_language(lang):  # type: ignore[arg-type]
        make_exercise(load("two-layer-sigmoid"), "two-layer-sigmoid", ["s1", "s2"], 4, "deltas",
                      Tolerance("decimals", 3), "after", folder, pdf=False)


def test_a_chinese_worksheet_keeps_every_name_and_number(tmp_path: Path) -> None:
    _exercise(tmp_path / "en", "en")
    _exercise(tmp_path / "zh", "zh")
    en = (tmp_path / "en" / "worksheets" / "s1.md").read_text()
    zh = (tmp_path / "zh" / "worksheets" / "s1.md").read_text()
    assert "# s1 的练习" in zh and "## 网络" in zh and "## 已知" in zh and "精确到 3 位小数" in zh
    assert "Exercise for" not in zh and "Work out" not in zh
    # the given numbers and the asked names are the same lines in both languages
    rows = [line for line in en.splitlines() if line.startswith("| `")]
    assert rows and all(row in zh for row in rows if "|  |" not in row and "| |" not in row)
    asked = load_scenario(tmp_path / "zh" / "s1.yaml").exercise.ask
    assert all(f"`{name}`" in zh for name in asked)
    # the student's file: its description in Chinese (its name is one in every language: LaTeX prints it)
    student = load_scenario(tmp_path / "zh" / "s1.yaml")
    assert student.name.endswith("exercise for s1") and "你自己的副本" in student.description
    assert student.params.keys() == load_scenario(tmp_path / "en" / "s1.yaml").params.keys()


def test_the_latex_worksheet_is_english_under_chinese(tmp_path: Path) -> None:
    with using_language("zh"):
        make_exercise(load("two-layer-sigmoid"), "two-layer-sigmoid", ["s1"], 4, "deltas",
                      Tolerance("decimals", 3), "after", tmp_path, pdf=bool(shutil.which("pdflatex")))
    tex = (tmp_path / "worksheets" / "s1.tex").read_text()
    assert r"\section*{Exercise for s1}" in tex and "to 3 decimals" in tex
    assert "?" not in tex.replace(r"\#", "")  # nothing left for pdflatex to print as ?
    if shutil.which("pdflatex"):
        assert (tmp_path / "worksheets" / "s1.pdf").read_bytes().startswith(b"%PDF")


def test_grading_in_chinese_lines_up_and_names_the_slip(tmp_path: Path) -> None:
    folder = tmp_path / "hw"
    _exercise(folder, "en")
    scenario = load_scenario(folder / "s1.yaml")
    stepper = Stepper(scenario)
    stepper.run_iteration()
    answers = {name: round(stepper.value(name), 3) for name in scenario.exercise.ask}
    first = scenario.exercise.ask[0]
    answers[first] = -answers[first]  # a sign slip
    text = (folder / "s1.yaml").read_text() + "expected:\n" + "".join(
        f"  {name}: {value!r}\n" for name, value in answers.items())
    (tmp_path / "s1.yaml").write_text(text)
    key = read_key(folder / "key.yaml")
    result = grade_file(key, str(folder / "key.yaml"), tmp_path / "s1.yaml")
    with using_language("zh"):
        lines = table([result]).splitlines()
        back = feedback(result, key, str(folder / "key.yaml"))
        report = class_report([result], key, list(scenario.exercise.ask))
    assert lines[0].startswith("学生") and "得分" in lines[0] and "备注" in lines[0]
    # the score column ends where its heading ends, though the heading is in wide characters
    assert cells(lines[0].split("  备注")[0]) == cells(lines[1].split("  1 sign")[0])
    assert lines[1].endswith("7/8  1 sign")
    assert "# s1 的反馈" in back and "得分：**7 / 8**" in back and "失误：**sign**" in back
    assert "正确的推导：" in back and f"`{first}`" in back
    assert "# 班级报告" in report and "## 每个值的正确率" in report and "| sign | 1 |" in report


def test_cells_and_pad_count_wide_characters_twice() -> None:
    assert cells("学生") == 4 and cells("ab") == 2 and cells("m̂") == 1
    assert pad("学生", 7) == "学生   " and pad("7/8", 5, right=True) == "  7/8"


def test_the_exercise_command_speaks_chinese_and_refuses_in_chinese(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "hw"
    assert main(["--lang", "zh", "exercise", "two-layer-sigmoid", "--count", "2", "--ask", "deltas",
                 "-o", str(out)]) == 0
    assert "# s01 的练习" in (out / "worksheets" / "s01.md").read_text()
    capsys.readouterr()
    assert main(["exercise", "two-layer-sigmoid", "--count", "2", "-o", str(out), "--lang", "zh"]) == 1
    err = capsys.readouterr().err
    assert "文件夹不是空的（" in err and "--replace" in err and len(err.strip().splitlines()) == 1
    assert main(["exercise", "two-layer-sigmoid", "--count", "2", "--ask", "nonsense", "-o",
                 str(tmp_path / "other"), "--lang", "zh"]) == 1
    assert "--ask nonsense 没有选中" in capsys.readouterr().err
