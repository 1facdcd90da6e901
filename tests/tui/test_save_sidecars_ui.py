"""Saving large samples in the TUI: the npz file written beside the YAML is the one the
session's samples come from afterwards (as if the file were opened), so a later save
refers to it rather than deleting or rewriting it, and crash recovery covers it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from fixtures.helpers import wide_dense_yaml
from test_files import open_dialog
from test_recovery_ui import journals
from test_robustness import settle
from textual.widgets import Input
from tui_helpers import SIZE, message, press, status

from core.engine.scenario import SampleSet
from core.scenario.load import load_scenario, parse_scenario
from core.scenario.save import INLINE_LIMIT
from tui.app import CnnTuiApp
from tui.screens.restore_screen import RestoreScreen

SMALL = wide_dense_yaml(0.0, 0, 3)


def big_app(path: Path) -> tuple[CnnTuiApp, np.ndarray]:
    """An app on a scenario whose 4100 samples are held inline (too many to write inline)."""
    rng = np.random.default_rng(5)
    x = rng.random((4100, 50))
    labels = rng.integers(0, 2, 4100)
    scenario = parse_scenario(SMALL)
    scenario.samples = SampleSet(x=x, y=np.eye(2)[labels], labels=labels)
    assert x.size + 2 * len(labels) > INLINE_LIMIT
    scenario.path = path
    return CnnTuiApp(scenario), x


async def save(pilot) -> None:
    await press(pilot, "s")
    await settle(pilot)
    assert "saved to" in message(pilot.app), message(pilot.app)


async def test_save_open_save_keeps_the_npz_the_file_refers_to(tmp_path):
    path = tmp_path / "s.yaml"
    app, x = big_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await save(pilot)
        assert sorted(p.name for p in tmp_path.iterdir()) == ["s.samples.npz", "s.yaml"]
        assert app.stepper.scenario.samples.source == (tmp_path / "s.samples.npz").resolve()
        await save(pilot)  # saving again refers to the same npz: nothing written twice, nothing removed
        assert sorted(p.name for p in tmp_path.iterdir()) == ["s.samples.npz", "s.yaml"]
        screen = await open_dialog(pilot, app)
        screen.query_one("#open-path", Input).value = str(path)
        await press(pilot, "enter")
        await settle(pilot)
        assert "opened big" in message(app), message(app)
        await save(pilot)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.samples.npz", "s.yaml"]
    np.testing.assert_array_equal(load_scenario(path).samples.x, x)


async def test_after_a_save_with_an_npz_an_unsaved_session_is_offered_back(tmp_path, _own_state_dir):
    path = tmp_path / "s.yaml"
    app, _ = big_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await save(pilot)
        await press(pilot, "f")  # a change, then left without quitting
        await pilot.pause()
        before = status(app)
    assert len(journals(_own_state_dir)) == 1
    again = CnnTuiApp(load_scenario(path))
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert isinstance(again.screen, RestoreScreen), message(again)
        await press(pilot, "r")
        await pilot.pause()
        assert "restored the session" in message(again) and "next: backward 1/1: dense1" in message(again)
        assert status(again) == before
