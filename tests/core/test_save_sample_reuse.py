"""Saving a scenario whose samples go to npz files beside it, again onto the same file: the
first save's npz files hold these very samples, so later saves name them instead of piling up
copies (STEM.samples-2.npz, -3, …); a file there that holds anything else is never touched."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from core.scenario.catalog import load
from core.scenario.load import load_scenario
from core.scenario.save import write_scenario


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_saving_the_same_samples_again_names_the_first_saves_files(tmp_path: Path) -> None:
    scenario = load("digits")  # bundled: its samples are written beside a save (npz files)
    target = tmp_path / "a.yaml"
    first = write_scenario(scenario, target)
    assert first.notes == () or all("-2" not in note for note in first.notes)
    stamps = {name: (tmp_path / name).stat().st_mtime_ns for name in ("a.samples.npz", "a.test_samples.npz")}
    changed = scenario.copy()
    changed.learning_rate = 0.5  # the same samples, another scenario
    second = write_scenario(changed, target)
    assert _names(tmp_path) == ["a.samples.npz", "a.test_samples.npz", "a.yaml"]
    assert {name: (tmp_path / name).stat().st_mtime_ns for name in stamps} == stamps  # named, not rewritten
    assert not any("already exists" in note for note in second.notes)
    again = load_scenario(target)
    assert again.learning_rate == 0.5
    np.testing.assert_array_equal(again.samples.x, scenario.samples.x)
    np.testing.assert_array_equal(again.samples.y, scenario.samples.y)
    assert again.test_samples is not None and scenario.test_samples is not None
    np.testing.assert_array_equal(again.test_samples.x, scenario.test_samples.x)


def test_an_npz_there_with_other_samples_is_left_and_a_fresh_name_taken(tmp_path: Path) -> None:
    scenario = load("digits")
    target = tmp_path / "a.yaml"
    write_scenario(scenario, target)
    theirs = tmp_path / "a.samples.npz"
    np.savez_compressed(theirs, x=scenario.samples.x[:10], y=np.arange(10))  # the user's own, other samples
    before = theirs.read_bytes()
    saved = write_scenario(scenario, target)
    assert theirs.read_bytes() == before
    assert (tmp_path / "a.samples-2.npz").is_file()
    assert any("a.samples-2.npz" in note for note in saved.notes)
    assert load_scenario(target).samples.x.shape == scenario.samples.x.shape


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs mkfifo")
def test_a_fifo_or_a_link_by_that_name_is_never_read(tmp_path: Path) -> None:
    scenario = load("digits")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    write_scenario(scenario, elsewhere / "a.yaml")  # a file holding exactly these samples
    os.mkfifo(tmp_path / "a.samples.npz")  # reading it would wait for a writer for ever
    (tmp_path / "a.test_samples.npz").symlink_to(elsewhere / "a.test_samples.npz")
    write_scenario(scenario, tmp_path / "a.yaml")
    assert (tmp_path / "a.samples-2.npz").is_file() and (tmp_path / "a.test_samples-2.npz").is_file()
    assert (tmp_path / "a.test_samples.npz").is_symlink()
