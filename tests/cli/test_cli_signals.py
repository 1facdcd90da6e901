"""A headless command stopped by SIGTERM or SIGHUP (a closed terminal, a kill) takes back
what it was writing, as Ctrl-C does: no temporary file is left, a file that was there is
kept as it was, and the exit status is 128 + the signal's number."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fixtures.cli_run import run_cli


def _command() -> list[str]:
    script = shutil.which("cnn-tui", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-m", "tui.cli"]


@pytest.mark.skipif(not hasattr(signal, "SIGHUP"), reason="POSIX signals")
@pytest.mark.parametrize("signum", [signal.SIGTERM, getattr(signal, "SIGHUP", signal.SIGTERM)])
def test_a_signal_mid_training_leaves_no_temporary_file_and_the_old_save(signum: int, tmp_path: Path) -> None:
    target = tmp_path / "trained.yaml"
    target.write_text("the user's own file\n", encoding="utf-8")
    run = subprocess.Popen([*_command(), "train", "digits-modern", "--epochs", "200", "--save", str(target),
                            "--processes", "2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    assert run.stdout is not None
    line = run.stdout.readline()  # training has begun (its first epoch line, in a batch)
    assert line.startswith("epoch "), line
    time.sleep(0.2)
    run.send_signal(signum)
    _, err = run.communicate(timeout=60)
    assert run.returncode == 128 + signum, err
    assert "Traceback" not in err and signal.Signals(signum).name in err
    assert target.read_text(encoding="utf-8") == "the user's own file\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["trained.yaml"]  # nothing else written or left


@pytest.mark.skipif(not hasattr(signal, "SIGHUP"), reason="POSIX signals")
@pytest.mark.parametrize("signum", [signal.SIGTERM, getattr(signal, "SIGHUP", signal.SIGTERM)])
def test_a_signal_while_saving_takes_the_save_back(signum: int, tmp_path: Path) -> None:
    """digits-modern's save (its YAML and two sample files) takes about a second after the
    last epoch line: a signal then stops it, and leaves the folder as it was."""
    target = tmp_path / "trained.yaml"
    target.write_text("the user's own file\n", encoding="utf-8")
    run = subprocess.Popen([*_command(), "train", "digits-modern", "--epochs", "1", "--save", str(target)],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    assert run.stdout is not None
    assert run.stdout.readline().startswith("epoch 1/1")  # trained: the save begins
    time.sleep(0.15)
    run.send_signal(signum)
    out, err = run.communicate(timeout=60)
    if run.returncode == 0:
        pytest.skip("the save ended before the signal came")
    assert run.returncode == 128 + signum, err
    assert target.read_text(encoding="utf-8") == "the user's own file\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["trained.yaml"]  # no temporary file, no sample file


def test_the_kernels_folders_are_refused_before_training() -> None:
    for folder in ("/proc", "/sys"):
        if not Path(folder).is_dir():
            continue
        result = run_cli("train", "tiny-cnn", "--save", f"{folder}/x.yaml")
        assert result.returncode == 1 and "checked before training" in result.stderr, result.stderr
        assert "epoch" not in result.stdout


def test_interrupted_into_a_file_says_so_on_one_line(tmp_path: Path) -> None:
    run = subprocess.Popen([*_command(), "train", "digits-modern", "--epochs", "200"], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
    assert run.stdout is not None
    run.stdout.readline()
    run.send_signal(signal.SIGINT)
    _, err = run.communicate(timeout=60)
    assert run.returncode == 130 and err == "cnn-tui: interrupted\n"


def test_a_command_in_the_same_process_puts_the_signal_handlers_back(capsys: pytest.CaptureFixture[str]) -> None:
    from tui.cli import main

    before = {number: signal.getsignal(number) for number in (signal.SIGTERM, signal.SIGHUP)}
    assert main(["scenarios"]) == 0
    assert {number: signal.getsignal(number) for number in before} == before
    capsys.readouterr()


def test_an_error_writing_to_the_closed_terminal_after_a_hangup_counts_as_the_hangup() -> None:
    """The terminal closed: the signal's stop unwinds, and a progress bar's last write fails
    (EIO); the command still ends as stopped by SIGHUP, not with a traceback."""
    from tui.cli import Terminated, _terminated_in

    try:
        try:
            raise Terminated(signal.SIGHUP)
        except Terminated:
            raise OSError(5, "Input/output error") from None
    except OSError as err:
        found = _terminated_in(err)
    assert found is not None and found.signum == signal.SIGHUP
    assert _terminated_in(OSError(5, "alone")) is None


@pytest.mark.parametrize("command", [["solve", "tiny-cnn", "--format", "text"], ["solve", "digits", "--format", "json"],
                                     ["train", "tiny-cnn", "--epochs", "100000"]])
def test_a_reader_that_leaves_early_ends_the_command_quietly(command: list[str]) -> None:
    """Found in user testing: ``cnn-tui solve … | head`` ended in a BrokenPipeError's traceback
    (an OSError clause for signals caught it first). The reader has what it wanted: exit 0,
    nothing on standard error."""
    run = subprocess.Popen([*_command(), *command], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    assert run.stdout is not None and run.stderr is not None
    assert run.stdout.read(100)  # (as ``head -c 100`` reads, then leaves)
    run.stdout.close()
    err = run.stderr.read().decode("utf-8", "replace")
    assert run.wait(timeout=120) == 0, err
    assert err == ""
