"""The command holds the garbage collector off from its start (for the TUI's start-up); a
headless command gets it back before it runs, collecting over everything (nothing frozen),
whatever the outcome."""

from __future__ import annotations

import gc

import pytest

import tui.cli as cli


@pytest.mark.parametrize(("argv", "status"), [(["check", "tiny-cnn"], 0), (["check", "no-such-scenario"], 1)])
def test_a_headless_command_collects_as_usual(argv: list[str], status: int, monkeypatch, capsys) -> None:
    during: list[bool] = []
    real = cli.HANDLERS["check"]

    def check(args: object) -> int:
        during.append(gc.isenabled())
        return real(args)

    monkeypatch.setitem(cli.HANDLERS, "check", check)
    frozen = gc.get_freeze_count()
    assert gc.isenabled()
    assert cli.main(argv) == status
    assert during == [True]  # the command ran with the collector on
    assert gc.isenabled()
    assert gc.get_freeze_count() == frozen  # and nothing was frozen
    capsys.readouterr()
