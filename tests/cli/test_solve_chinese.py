"""Issue 14: `solve` and the exports in Chinese — the notes' 正向传播 / 反向传播 as section
titles, every derivation's formula line the same as in English, LaTeX in English."""

from __future__ import annotations

from core.engine.stepper import Stepper
from core.exports.markdown import to_latex, to_markdown
from core.exports.report import stream_text
from core.i18n import using_language
from core.scenario.catalog import load
from core.text import cells


def _formula_lines(text: str) -> list[str]:
    """The derivations' lines: ``symbol = formula = numbers = value`` (headings and checks are words)."""
    return [line for line in text.splitlines()
            if " = " in line and line.lstrip()[:1] not in "✓≈✗" and "α = " not in line]


def test_solve_text_in_chinese_has_the_notes_words_and_the_same_formulas() -> None:
    scenario = load("tiny-cnn")
    en = "".join(stream_text(scenario, 2))
    with using_language("zh"):
        zh = "".join(stream_text(load("tiny-cnn"), 2))
    lines = zh.splitlines()
    assert "正向传播" in lines and "反向传播" in lines and "更新" in lines and "已知" in lines
    assert "Forward pass" not in zh and "Iteration" not in zh
    for title in ("正向传播", "反向传播"):
        i = lines.index(title)
        assert lines[i + 1] == "-" * cells(title)  # underlined as wide as it is drawn
    assert any(line.startswith("第 1 次迭代（样本 1）— 损失 0.347") for line in lines)
    assert "期望值核对：" in zh
    assert len(_formula_lines(en)) > 100 and _formula_lines(zh) == _formula_lines(en)  # not words


def test_the_markdown_export_speaks_chinese_and_latex_stays_english() -> None:
    stepper = Stepper(load("tiny-cnn"))
    stepper.run_iteration()
    with using_language("zh"):
        markdown = to_markdown(stepper)
        latex = to_latex(stepper)
    assert "## 正向传播" in markdown and "## 反向传播" in markdown and "第 1 次迭代（样本 1）" in markdown
    assert r"\subsection*{Forward pass}" in latex and "Iteration 1 (sample 1)" in latex
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in latex)
    with using_language("en"):
        assert to_latex(stepper) == latex  # LaTeX is the same document whatever the interface speaks
