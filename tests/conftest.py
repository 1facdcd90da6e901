"""Shared helpers for the engine and CLI tests (tests/core, tests/cli)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
FIXTURES = TESTS / "fixtures"
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))


def run_cli(*args: str, cwd: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run ``cnn-tui ARGS`` in a fresh process (the installed script, else ``python -m tui.cli``)."""
    env = dict(os.environ, PYTHONIOENCODING="utf-8", COLUMNS="100")
    script = shutil.which("cnn-tui", path=str(Path(sys.executable).parent))
    command = [script] if script else [sys.executable, "-m", "tui.cli"]
    return subprocess.run([*command, *args], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=timeout)


@pytest.fixture
def cli():
    return run_cli


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES
