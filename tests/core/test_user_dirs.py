"""The user's folders (core/user_dirs.py): XDG variables when absolute, else under the home
folder, and None where there is no home folder; then the journal says so, the error log and
the parsed cache do without, and loading and checking a scenario work as ever."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.engine import journal
from core.engine.journal import JournalError
from core.scenario import parsed_cache
from core.scenario.catalog import load
from core.user_dirs import cache_folder, state_folder
from tui import error_log


def no_home(monkeypatch: pytest.MonkeyPatch) -> None:
    """As in a container: no HOME, no XDG variables, a user id without a passwd entry."""
    for name in ("HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        monkeypatch.delenv(name, raising=False)

    def home() -> Path:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.setattr(Path, "home", staticmethod(home))


def test_an_absolute_variable_is_the_folder_and_a_relative_one_is_ignored(monkeypatch: pytest.MonkeyPatch,
                                                                          tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache_folder() == tmp_path / "cnn-tui"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/place")
    monkeypatch.setenv("HOME", str(tmp_path / "me"))
    assert cache_folder() == tmp_path / "me" / ".cache" / "cnn-tui"
    monkeypatch.delenv("XDG_STATE_HOME")
    assert state_folder() == tmp_path / "me" / ".local" / "state" / "cnn-tui"


def test_no_home_folder_means_no_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    no_home(monkeypatch)
    assert state_folder() is None and cache_folder() is None
    monkeypatch.setattr(Path, "home", staticmethod(lambda: Path("")))  # HOME set to ""
    assert state_folder() is None and cache_folder() is None


def test_without_a_home_folder_scenarios_load_and_the_journal_says_why_it_is_off(
        monkeypatch: pytest.MonkeyPatch) -> None:
    no_home(monkeypatch)
    assert parsed_cache.cache_dir() is None
    first, again = load("tiny-cnn"), load("tiny-cnn")  # nothing kept, nothing raised
    assert first.expected == again.expected
    with pytest.raises(JournalError, match="no folder for recovery journals"):
        journal.offer("bundled:tiny-cnn", "digest")
    assert error_log.log_path() is None and error_log.record(ValueError("x")) is None
