"""core/nn, the backbone every layer, activation and loss is written against, type-checks
under ``mypy --strict`` (run in a fresh process, as the import contracts are)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_core_nn_type_checks_strictly() -> None:
    pytest.importorskip("mypy")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental", "core/nn"], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "Success" in done.stdout
