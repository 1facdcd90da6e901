"""Issue 8: nothing the command prints from a file or an argument acts on the terminal.

Control characters (``\\x1b[2J`` clears the screen) are printed as visible escapes.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fixtures.cli_run import run_cli
from fixtures.hostile_names import HOSTILE, named_tiny

from core.text import markdown_text, visible

NAME = HOSTILE["a terminal escape"] + " " + HOSTILE["line separators"]


def _raw_controls(text: str) -> set[str]:
    """Control and format characters in printed text, other than the line breaks it is made of."""
    return {c for c in text if not c.isprintable() and c != "\n"}


@pytest.fixture
def hostile_file(tmp_path: Path) -> Path:
    path = tmp_path / "hostile.yaml"
    path.write_text(named_tiny(NAME, NAME), encoding="utf-8")
    return path


def test_check_shows_the_name_visibly(hostile_file: Path) -> None:
    result = run_cli("check", str(hostile_file))
    assert result.returncode == 0, result.stderr
    assert not _raw_controls(result.stdout)
    assert f"ok — {visible(NAME)}: 4 layers" in result.stdout
    assert "clear\\x1b[2J\\x1b[31mred\\x07" in result.stdout


def test_solve_headers_show_the_name_visibly(hostile_file: Path) -> None:
    text = run_cli("solve", str(hostile_file))
    assert text.returncode == 0, text.stderr
    assert not _raw_controls(text.stdout)
    assert text.stdout.splitlines()[0] == visible(NAME)
    markdown = run_cli("solve", str(hostile_file), "--format", "markdown")
    assert not _raw_controls(markdown.stdout)
    assert markdown.stdout.splitlines()[0] == "# " + markdown_text(NAME)


def test_error_messages_show_paths_and_arguments_visibly(tmp_path: Path) -> None:
    missing = str(tmp_path / "no\x1b[2Jsuch.yaml")
    for args in (["check", missing], ["train", missing], ["solve", "tiny-cnn", "--iterations", "\x1b[2J"],
                 ["x\x1b[31m", "y\x07"]):
        result = run_cli(*args)
        assert result.returncode in (1, 2), args
        assert "\\x1b" in result.stderr or "\\x07" in result.stderr, (args, result.stderr)
        assert not _raw_controls(result.stderr), (args, result.stderr)
        assert "Traceback" not in result.stderr


def test_scenarios_lists_titles_without_control_characters() -> None:
    result = run_cli("scenarios")
    assert result.returncode == 0
    assert not _raw_controls(result.stdout)
    assert "tiny-cnn" in result.stdout
