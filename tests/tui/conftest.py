"""Helpers for the TUI tests: an app on a bundled or copied scenario, and readers of its screen."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from core.scenario.catalog import bundled_dir, load
from tui.app import CnnTuiApp


@pytest.fixture
def app() -> CnnTuiApp:
    return CnnTuiApp(load("tiny-cnn"))


@pytest.fixture
def tiny_copy(tmp_path: Path) -> Path:
    """tiny-cnn copied to a writable place."""
    target = tmp_path / "tiny.yaml"
    shutil.copy(bundled_dir() / "tiny-cnn.yaml", target)
    return target
