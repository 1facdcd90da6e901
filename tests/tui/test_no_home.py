"""Without a home folder (a container's bare user id) the TUI opens and works, and says once
that unsaved work will not be recoverable: the journal needs a state folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from tui_helpers import SIZE, press, status

from core.scenario.catalog import load
from tui.app import CnnTuiApp


async def test_the_tui_runs_without_a_home_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        monkeypatch.delenv(name, raising=False)

    def home() -> Path:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.setattr(Path, "home", staticmethod(home))
    app = CnnTuiApp(load("tiny-cnn"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        said = [entry.text for entry in app.main.messages.log.entries]
        assert any("no folder for recovery journals" in text and "not be recoverable" in text for text in said)
        await press(pilot, "f")
        assert "forward 2/4" in status(app)
