"""A headless command cannot ask before replacing a file: it replaces only a file of its own kind."""

from __future__ import annotations

from pathlib import Path

from fixtures.cli_run import run_cli

from core.scenario.catalog import bundled_dir, load


def test_train_save_never_replaces_a_file_that_is_not_a_scenario(tmp_path: Path) -> None:
    precious = tmp_path / "precious.npz"
    precious.write_bytes((bundled_dir() / "data" / "digits-train.npz").read_bytes())
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes\n", encoding="utf-8")
    for target in (precious, notes):
        before = target.read_bytes()
        result = run_cli("train", "tiny-cnn", "--epochs", "1", "--save", str(target))
        assert result.returncode == 1
        assert "is not a scenario file" in result.stderr and "checked before training" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1 and "epoch" not in result.stdout
        assert target.read_bytes() == before


def test_train_save_replaces_a_scenario_file(tmp_path: Path) -> None:
    target = tmp_path / "mine.yaml"
    target.write_text((bundled_dir() / "tiny-cnn.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    result = run_cli("train", "tiny-cnn", "--epochs", "1", "--save", str(target))
    assert result.returncode == 0, result.stderr
    assert load(str(target)).params["out"]["weight"][0, 0] != load("tiny-cnn").params["out"]["weight"][0, 0]


def test_export_replaces_only_a_file_of_its_kind(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes\n", encoding="utf-8")
    result = run_cli("export", "tiny-cnn", "--to", "markdown", "-o", str(notes))
    assert result.returncode == 1 and "is not a .md file" in result.stderr
    assert notes.read_text(encoding="utf-8") == "my notes\n"
    old = tmp_path / "old.md"
    old.write_text("an earlier export\n", encoding="utf-8")
    result = run_cli("export", "tiny-cnn", "--to", "markdown", "-o", str(old))
    assert result.returncode == 0, result.stderr
    assert old.read_text(encoding="utf-8").startswith("# tiny-cnn")


def test_a_bundled_scenario_saved_elsewhere_carries_its_own_samples(tmp_path: Path) -> None:
    """Its npz files are written beside the saved file, never named inside the installed package."""
    import yaml

    target = tmp_path / "out" / "dig.yaml"
    target.parent.mkdir()
    result = run_cli("train", "digits", "--epochs", "1", "--save", str(target))
    assert result.returncode == 0, result.stderr
    data = yaml.safe_load(target.read_text(encoding="utf-8"))
    assert data["samples"] == {"file": "dig.samples.npz"}
    assert data["test_samples"] == {"file": "dig.test_samples.npz"}
    saved, bundled = load(str(target)), load("digits")
    assert (saved.samples.x == bundled.samples.x).all() and (saved.samples.y == bundled.samples.y).all()
    assert saved.test_samples is not None and len(saved.test_samples) == len(bundled.test_samples or [])
