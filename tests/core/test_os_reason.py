"""The system's reasons in the interface's language (core/os_reason.py): strerror is English only."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from core.errors import ScenarioError
from core.i18n import using_language
from core.os_reason import REASONS, os_reason
from core.scenario import read_file


def test_english_reasons_are_the_c_librarys_words() -> None:
    """In English a reason reads as the system says it, so English messages stay as they were."""
    for number, text in REASONS.items():
        assert os_reason(OSError(number, "whatever the system says")) == text == os.strerror(number)


def test_chinese_reasons_and_the_fallbacks() -> None:
    with using_language("zh"):
        assert os_reason(OSError(errno.ENOSPC, "No space left on device")) == "设备上没有空间"
        assert os_reason(OSError(errno.EACCES, "Permission denied")) == "没有权限"
    # a number without a message of ours: the system's text; nothing at all: the caller's word
    assert os_reason(OSError(errno.ECHILD, "No child processes")) == "No child processes"
    assert os_reason(ValueError("embedded null byte"), "not a usable path") == "not a usable path"
    assert os_reason(OSError()) == "the system refused"


def test_a_refused_read_is_said_in_chinese(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The reader's message carries the translated reason, not the system's English."""
    path = tmp_path / "locked.yaml"
    path.write_text("format: 1\n")

    def refuse(*args: object, **kwargs: object) -> int:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(read_file.os, "open", refuse)
    with using_language("zh"), pytest.raises(ScenarioError, match="没有权限") as caught:
        read_file.open_regular(path, "a scenario")
    assert "Permission" not in str(caught.value)
    with pytest.raises(ScenarioError, match="cannot read the file: Permission denied"):
        read_file.open_regular(path, "a scenario")
