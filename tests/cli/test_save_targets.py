"""Issue 8: `train --save` and `export -o` check their target before any work, refuse what
would lose data with one short line and exit 1, and follow symbolic links."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest
from fixtures.cli_run import run_cli

from core.scenario.catalog import bundled_dir
from core.scenario.load import load_scenario


def _digits_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "dig"
    shutil.copytree(bundled_dir(), folder, ignore=shutil.ignore_patterns("__*", "*.py"))
    return folder / "digits.yaml"


def _refused(result, *words: str) -> None:
    """Exit 1, one short line on stderr naming the problem, nothing trained or exported."""
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("cnn-tui: ") and len(lines[0]) < 300, result.stderr
    for word in words:
        assert word in lines[0], lines[0]
    assert "Traceback" not in result.stderr and "Error" not in result.stderr
    assert "epoch" not in result.stdout and result.stdout == ""


def test_train_refuses_to_save_onto_its_own_sample_file_before_training(tmp_path: Path) -> None:
    scenario = _digits_copy(tmp_path)
    npz = scenario.parent / "data" / "digits-train.npz"
    before = npz.read_bytes()
    result = run_cli("train", str(scenario), "--epochs", "1", "--save", str(npz))
    _refused(result, "digits-train.npz: this is the scenario's sample file", "checked before training")
    assert npz.read_bytes() == before
    assert len(load_scenario(scenario).samples) > 0


@pytest.mark.parametrize("case, words", [
    ("empty", ["no file name given"]),
    ("long", ["the file name is too long: 305 characters", "…aaaa"]),
    ("missing", ["the folder", "does not exist"]),
    ("folder", ["this is a folder"]),
    ("fifo", ["this is a FIFO (named pipe), not a regular file"]),
    ("link-to-fifo", ["this is a FIFO"]),
    ("link-to-null", ["this is a character device"]),
])
def test_bad_targets_are_refused_before_training(tmp_path: Path, case: str, words: list[str]) -> None:
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "fifo-link.yaml").symlink_to(tmp_path / "pipe")
    (tmp_path / "null-link.yaml").symlink_to("/dev/null")  # refused by its kind: never written
    target = {"empty": "", "long": str(tmp_path / ("a" * 300 + ".yaml")),
              "missing": str(tmp_path / "nope" / "x.yaml"), "folder": str(tmp_path),
              "fifo": str(tmp_path / "pipe"), "link-to-fifo": str(tmp_path / "fifo-link.yaml"),
              "link-to-null": str(tmp_path / "null-link.yaml")}[case]
    result = run_cli("train", "tiny-cnn", "--epochs", "1", "--save", target)
    _refused(result, *words, "(checked before training)")
    assert stat.S_ISFIFO((tmp_path / "pipe").lstat().st_mode)
    assert (tmp_path / "null-link.yaml").is_symlink() and stat.S_ISCHR(os.stat("/dev/null").st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fifo-link.yaml", "null-link.yaml", "pipe"]


def test_train_saves_through_a_symlink_and_keeps_it(tmp_path: Path) -> None:
    real = tmp_path / "real.yaml"
    real.write_text("old\n")
    real.chmod(0o600)
    link = tmp_path / "link.yaml"
    link.symlink_to(real)
    result = run_cli("train", "tiny-cnn", "--epochs", "1", "--save", str(link))
    assert result.returncode == 0, result.stderr
    assert f"saved the trained scenario to {link}" in result.stdout
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert load_scenario(real).name == load_scenario(link).name
    assert stat.S_IMODE(real.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.yaml", "real.yaml"]


@pytest.mark.parametrize("case, words", [
    ("empty", ["no file name given"]),
    ("long", ["the file name is too long"]),
    ("fifo", ["this is a FIFO"]),
    ("itself", ["this is the scenario file tiny.yaml"]),
])
def test_export_checks_its_output_first(tmp_path: Path, case: str, words: list[str]) -> None:
    scenario = tmp_path / "tiny.yaml"
    shutil.copy(bundled_dir() / "tiny-cnn.yaml", scenario)
    before = scenario.read_bytes()
    os.mkfifo(tmp_path / "pipe")
    target = {"empty": "", "long": str(tmp_path / ("b" * 300 + ".md")), "fifo": str(tmp_path / "pipe"),
              "itself": str(scenario)}[case]
    result = run_cli("export", str(scenario), "--to", "markdown", "-o", target)
    _refused(result, *words, "(checked before exporting)")
    assert scenario.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe", "tiny.yaml"]


def test_export_replaces_an_old_export_through_a_link(tmp_path: Path) -> None:
    real = tmp_path / "old.md"
    real.write_text("old\n")
    (tmp_path / "out.md").symlink_to(real)
    result = run_cli("export", "tiny-cnn", "--to", "markdown", "-o", str(tmp_path / "out.md"))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out.md").is_symlink() and real.read_text().startswith("#")
