"""``cnn-tui serve``: its arguments, the one-line message without the extra, and the command
textual-serve runs for every tab."""

from __future__ import annotations

import shlex
import socket
import sys
from pathlib import Path
from typing import Any

import pytest
from fixtures.cli_run import run_cli

from tui import serve as serving
from tui.cli import main


def test_without_the_extra_one_line_and_exit_1(monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(sys.modules, "textual_serve.server", None)  # the import fails as if not installed
    monkeypatch.setitem(sys.modules, "textual_serve", None)
    assert main(["serve", "tiny-cnn"]) == 1
    err = capsys.readouterr().err
    assert err == "cnn-tui: serving needs textual-serve, the serve extra: pip install 'cnn-tui[serve]'\n"


class FakeServer:
    """Records what ``serve`` hands textual-serve instead of listening."""

    made: list[dict[str, Any]] = []

    def __init__(self, command: str, **options: Any) -> None:
        self.made.append({"command": command, **options})

    def serve(self) -> None:
        pass


@pytest.fixture
def fake_server(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    FakeServer.made = []
    monkeypatch.setattr(serving, "server_class", lambda: FakeServer)
    return FakeServer.made


def test_defaults_this_machine_only_port_8000_the_working_folder(
        fake_server: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["serve"]) == 0
    [made] = fake_server
    assert made["host"] == "127.0.0.1" and made["port"] == 8000
    root = str(tmp_path.resolve())
    assert shlex.split(made["command"]) == [sys.executable, "-m", "tui.cli", "tiny-cnn", "--root", root]
    assert "http://127.0.0.1:8000" in capsys.readouterr().err


def test_a_scenario_file_and_a_root_with_spaces(fake_server: list[dict[str, Any]], tmp_path: Path) -> None:
    from core.scenario.catalog import bundled_dir

    room = tmp_path / "room 101; rm -rf x"
    room.mkdir()
    scenario = room / "my net.yaml"
    scenario.write_text((bundled_dir() / "tiny-cnn.yaml").read_text())
    assert main(["serve", str(scenario), "--host", "192.0.2.7", "--port", "8123", "--root", str(room)]) == 0
    [made] = fake_server
    assert (made["host"], made["port"]) == ("192.0.2.7", 8123)
    # quoted for the shell textual-serve runs it in: the names come back whole
    assert shlex.split(made["command"])[3:] == [str(scenario.resolve()), "--root", str(room.resolve())]


@pytest.mark.parametrize(("args", "said"), [
    (["--port", "0"], "expected a port from 1 to 65535, got 0"),
    (["--port", "70000"], "expected a port from 1 to 65535"),
    (["--port", "http"], "expected a port number, got http"),
    (["a", "b"], "unrecognized arguments: b"),
    (["--lecture"], "unrecognized arguments: --lecture"),
])
def test_argument_errors_exit_2_with_the_reason(args: list[str], said: str, capsys: pytest.CaptureFixture[str],
                                                 fake_server: list[dict[str, Any]]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["serve", *args])
    assert exited.value.code == 2
    assert said in capsys.readouterr().err
    assert fake_server == []


@pytest.mark.parametrize(("args", "said"), [
    (["no-such-scenario"], "no such file, and no bundled scenario of that name"),
    (["--root", "/no/such/folder"], "the folder /no/such/folder does not exist"),
    (["--host", "0.0.0.0"], "--host 0.0.0.0: the page links to the address given"),
    (["--host", "::"], "give this machine's address as the students type it (for example --host 192.168.1.20)"),
])
def test_a_bad_scenario_or_root_is_told_before_serving(args: list[str], said: str,
                                                        capsys: pytest.CaptureFixture[str],
                                                        fake_server: list[dict[str, Any]]) -> None:
    assert main(["serve", *args]) == 1
    err = capsys.readouterr().err
    assert said in err and err.count("\n") == 1
    assert fake_server == []


def test_a_port_in_use_is_one_message() -> None:
    pytest.importorskip("textual_serve", reason="the serve extra (textual-serve) is not installed")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli("serve", "--port", str(port), timeout=60)
    assert result.returncode == 1
    assert f"cnn-tui: could not serve at 127.0.0.1:{port}: address already in use\n" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_tui_form_takes_a_root(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tiny-cnn", "--root", "/no/such/folder"]) == 1
    assert capsys.readouterr().err == "cnn-tui: the folder /no/such/folder does not exist\n"
    with pytest.raises(SystemExit) as exited:
        main(["tiny-cnn", "--root"])
    assert exited.value.code == 2
