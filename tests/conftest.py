"""Shared setup for the engine and CLI tests (tests/core, tests/cli).

Puts tests/ on sys.path so test modules can import ``fixtures.*`` (worked example values,
helpers, ``fixtures.cli_run.run_cli``); test modules never import this conftest by name.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

# One OpenBLAS thread, as the cnn-tui command sets (tui/__init__.py), before NumPy loads: the
# engine's small products run many times faster than with BLAS threads on a busy machine,
# and give the same numbers.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

TESTS = Path(__file__).resolve().parent
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))

import pytest  # noqa: E402
from fixtures.cli_run import FIXTURES, run_cli  # noqa: E402


@pytest.fixture
def cli():
    """``cli("solve", "tiny-cnn")`` runs the command in a fresh process."""
    return run_cli


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture(autouse=True)
def _english(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test starts in English, whatever the machine's locale (the command run in-process
    reads it too); a test of Chinese says so (``using_language("zh")``, ``--lang zh``), and
    whatever it leaves is undone."""
    from core.i18n import using_language

    for name in ("LC_ALL", "LC_MESSAGES", "LANGUAGE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    with using_language("en"):
        yield


@pytest.fixture(autouse=True)
def _own_state_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test journals its sessions in a folder of its own, never in the user's state
    folder (a journal left by one test would otherwise be offered to the next)."""
    state = tmp_path_factory.mktemp("state")
    monkeypatch.setenv("XDG_STATE_HOME", str(state))
    # and keeps the parsed documents of the files it reads in its own cache (never the user's)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))
    return state
