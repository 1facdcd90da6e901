"""Issue 8: a scenario shared in a class is as inert as a text file, in every export.

Each hostile name goes through the loader, then into the PyTorch script (which is run),
the LaTeX document and the Markdown document (which are parsed), and the solve reports.
"""

from __future__ import annotations

import ast
import html
import importlib.util
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from fixtures.hostile_names import HOSTILE, PWNED, named_tiny
from fixtures.torch_scripts import run_script
from markdown_it import MarkdownIt
from mdit_py_plugins.dollarmath import dollarmath_plugin

from core.engine.stepper import Stepper
from core.exports import latex
from core.exports.markdown import to_latex, to_markdown
from core.exports.pytorch import to_pytorch
from core.exports.report import render_text, solve
from core.scenario.load import parse_scenario
from core.text import markdown_text, python_literal, visible

HAS_TORCH = importlib.util.find_spec("torch") is not None
NAMES = pytest.mark.parametrize("name", list(HOSTILE.values()), ids=list(HOSTILE))


def _done(name: str) -> Stepper:
    stepper = Stepper(parse_scenario(named_tiny(name)))
    stepper.run_iteration()
    return stepper


# --- Python -----------------------------------------------------------------------------------


@NAMES
def test_python_literal_evaluates_to_the_text_and_nothing_else(name: str) -> None:
    literal = python_literal(name)
    tree = ast.parse(literal, mode="eval")
    assert isinstance(tree.body, ast.Constant) and tree.body.value == name
    assert "\n" not in literal and "\r" not in literal


@NAMES
def test_the_pytorch_script_holds_the_name_only_as_one_string_constant(name: str) -> None:
    stepper = _done(name)
    script = to_pytorch(stepper)
    tree = ast.parse(script)
    docstring = ast.get_docstring(tree) or ""
    name = stepper.scenario.name
    assert name not in docstring
    holders = [node for node in ast.walk(tree) if isinstance(node, ast.Constant) and node.value == name]
    assert len(holders) == 1
    assigned = [node for node in tree.body if isinstance(node, ast.Assign) and node.value is holders[0]]
    assert [t.id for t in assigned[0].targets] == ["SCENARIO"]  # type: ignore[attr-defined]
    # no statement reaches pathlib, the injected code's module
    assert not any(isinstance(node, ast.Name) and node.id == "pathlib" for node in ast.walk(tree))


@pytest.mark.parametrize("key", ["triple double quotes", "triple single quotes", "a comment ended by a newline",
                                 "a carriage return"])
def test_running_the_script_without_torch_runs_nothing_of_the_name(tmp_path: Path, key: str) -> None:
    script = tmp_path / "iteration.py"
    script.write_text(to_pytorch(_done(HOSTILE[key])), encoding="utf-8")
    block_torch = ("import runpy, sys; sys.modules['torch'] = None; "
                   f"runpy.run_path({str(script)!r}, run_name='__main__')")
    result = subprocess.run([sys.executable, "-c", block_torch], cwd=tmp_path, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 1 and "ModuleNotFoundError" in result.stderr and "import torch" in result.stderr
    assert not (tmp_path / PWNED).exists()


@pytest.mark.skipif(not HAS_TORCH, reason="torch is not installed (pip install torch==2.13.0)")
def test_running_the_script_with_torch_prints_the_name_and_runs_nothing_of_it(tmp_path: Path) -> None:
    for key in ("triple double quotes", "triple single quotes", "a comment ended by a newline", "line separators"):
        stepper = _done(HOSTILE[key])
        script = tmp_path / "iteration.py"
        script.write_text(to_pytorch(stepper), encoding="utf-8")
        result = run_script(script, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout)["name"] == stepper.scenario.name
        assert not (tmp_path / PWNED).exists(), key


# --- LaTeX ------------------------------------------------------------------------------------

_SAFE_TEX = re.compile(r"\\(?:textbackslash|textasciitilde|textasciicircum|textless|textgreater|textbar)\{\}"
                       r"|\\[&%$#_{}]")


def _residue(tex: str) -> str:
    """What is left of escaped text once the escapes it may hold are taken out."""
    return _SAFE_TEX.sub("", tex)


@NAMES
def test_latex_text_escapes_every_special_and_control_character(name: str) -> None:
    tex = latex.text(name)
    rest = _residue(tex)
    assert not set(rest) & set("\\{}$&%#_^~<>|"), rest
    assert rest.isprintable() and rest.isascii()


def test_latex_text_reads_as_written() -> None:
    assert latex.text("\\input{/etc/passwd}") == r"\textbackslash{}input\{/etc/passwd\}"
    assert latex.text("$x^2$ 100%") == r"\$x\textasciicircum{}2\$ 100\%"
    assert latex.text("a\x1bb\nc") == r"a\textbackslash{}x1bb\textbackslash{}x0ac"
    assert latex.text("<b>|") == r"\textless{}b\textgreater{}\textbar{}"


@NAMES
def test_the_latex_export_puts_the_name_escaped_in_the_title(name: str) -> None:
    document = to_latex(_done(name))
    title = next(line for line in document.splitlines() if line.startswith(r"\section*{"))
    assert title == r"\section*{" + latex.text(name.strip()) + "}"
    assert "\\input{" not in document and "\x1b" not in document


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed (.ci/run installs it)")
def test_a_hostile_name_compiles_and_reads_no_file(tmp_path: Path) -> None:
    tex = tmp_path / "hostile.tex"
    tex.write_text(to_latex(_done(HOSTILE["TeX commands"] + HOSTILE["HTML and links"])), encoding="utf-8")
    result = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "-recorder", tex.name],
                            cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-2000:]
    assert "/etc/passwd" not in (tmp_path / "hostile.fls").read_text()


# --- Markdown ---------------------------------------------------------------------------------

def _parser() -> MarkdownIt:
    return MarkdownIt("gfm-like").use(dollarmath_plugin).enable("linkify")


@NAMES
def test_markdown_text_renders_as_plain_literal_text(name: str) -> None:
    tokens = _parser().parseInline(markdown_text(name))
    children = tokens[0].children or []
    assert {t.type for t in children} <= {"text"}, [t.type for t in children]
    assert "".join(t.content for t in children) == visible(name)


@NAMES
def test_the_markdown_export_heading_is_the_name_and_nothing_else(name: str) -> None:
    document = to_markdown(_done(name))
    tokens = _parser().parse(document)
    assert tokens[0].type == "heading_open" and tokens[0].tag == "h1"
    inline = tokens[1].children or []
    assert {t.type for t in inline} == {"text"} and "".join(t.content for t in inline) == visible(name.strip())
    rendered = _parser().render(document)
    assert "<script" not in rendered and "<b>" not in rendered
    escaped = html.escape(visible(name.strip()), quote=False).replace('"', "&quot;")  # as markdown-it writes it
    assert rendered.split("\n", 1)[0] == f"<h1>{escaped}</h1>"


def test_markdown_text_keeps_ordinary_names_as_written() -> None:
    assert markdown_text("tiny-cnn — the notes' 1-D CNN") == "tiny-cnn — the notes' 1-D CNN"
    assert markdown_text("digits 0.5 x") == "digits 0.5 x"


# --- solve's reports --------------------------------------------------------------------------


@NAMES
def test_solve_reports_show_the_name_visibly(name: str) -> None:
    scenario = parse_scenario(named_tiny(name))
    records = solve(scenario, explained=True)
    text = render_text(scenario, records)
    assert text.split("\n", 1)[0] == visible(scenario.name)
    assert "\x1b" not in text and "\r" not in text
    markdown = render_text(scenario, records, markdown=True)
    tokens = _parser().parse(markdown)
    inline = tokens[1].children or []
    assert {t.type for t in inline} == {"text"} and "".join(t.content for t in inline) == visible(scenario.name)
