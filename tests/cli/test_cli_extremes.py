"""The headless commands on scenarios whose numbers sit near float64's ends: exit 0 with ∞
and scientific numbers written, or exit 1 with one message; never a traceback."""

from __future__ import annotations

from pathlib import Path

from fixtures.cli_run import run_cli

from core.scenario.catalog import resolve


def _write(tmp_path: Path, name: str, *changes: tuple[str, str]) -> Path:
    text = resolve(name).read_text(encoding="utf-8")
    for old, new in changes:
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / f"{name}-extreme.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_solve_and_export_write_a_residual_block_of_inputs_near_1e300(tmp_path: Path) -> None:
    path = _write(tmp_path, "residual-block", ("{x: [1.0, 0.5], label: 0}", "{x: [1.0e+300, 1.0e+300], label: 0}"))
    for args in (("solve", str(path)), ("solve", str(path), "--hand-rounding", "--format", "markdown"),
                 ("export", str(path), "--to", "latex")):
        result = run_cli(*args)
        assert (result.returncode, result.stderr) == (0, ""), args
        assert "e299" in result.stdout
    result = run_cli("solve", str(path), "--format", "json")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("cnn-tui: iteration 1 diverged: ") and result.stderr.count("\n") == 1


def test_exercise_of_inputs_near_1e308_says_why_and_writes_nothing(tmp_path: Path) -> None:
    path = _write(tmp_path, "momentum-steps", ("{x: [1.0, 0.5], label: 0}", "{x: [1.0e+308, 1.0e+308], label: 0}"))
    result = run_cli("exercise", str(path), "--count", "2", "-o", str(tmp_path / "hw"))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "range from 0.5 to 1e308: too wide to draw hand-friendly inputs" in result.stderr
    assert not (tmp_path / "hw").exists()
