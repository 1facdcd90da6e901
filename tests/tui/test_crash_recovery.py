"""A real crash: the installed command in a pseudo-terminal, killed, relaunched, restored.

The app is driven by keys written to the terminal; the test learns what it did from its
journal (replayed headless onto a fresh Stepper) and from the text it draws.
"""

from __future__ import annotations

import fcntl
import os
import re
import select
import shutil
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

from core.engine import journal
from core.engine.stepper import Stepper
from core.scenario.load import load_scenario

ROOT = Path(__file__).resolve().parents[2]
COMMAND = Path(sys.executable).parent / "cnn-tui"
ANSI = re.compile(rb"\x1b(\[[0-9;?<>=]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[PX^_][^\x1b]*\x1b\\|.)")
DEADLINE = 30.0  # seconds: generous for a loaded machine; every wait ends as soon as it can

pytestmark = pytest.mark.skipif(not COMMAND.exists() or sys.platform == "win32",
                                reason="needs the installed cnn-tui command and a POSIX terminal")


class Terminal:
    """``cnn-tui PATH`` in a 120×36 pseudo-terminal."""

    def __init__(self, scenario: Path, state: Path) -> None:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 36, 120, 0, 0))
        env = {**os.environ, "TERM": "xterm-256color", "PYTHONPATH": str(ROOT), "XDG_STATE_HOME": str(state),
               "COLUMNS": "120", "LINES": "36"}
        self.process = subprocess.Popen([str(COMMAND), str(scenario)], stdin=slave, stdout=slave, stderr=slave,
                                        env=env, cwd=scenario.parent, start_new_session=True, close_fds=True)
        os.close(slave)
        self.master = master
        self.output = b""

    def read(self) -> None:
        while self.master >= 0 and select.select([self.master], [], [], 0.05)[0]:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:  # the other side is gone
                return
            if not chunk:
                return
            self.output += chunk

    def text(self) -> str:
        return ANSI.sub(b"", self.output).decode("utf-8", "replace")

    def send(self, *keys: str) -> None:
        for key in keys:
            os.write(self.master, key.encode())
            time.sleep(0.05)

    def wait_for(self, what: str, check=None) -> None:
        """Until the screen shows ``what`` (or ``check()`` holds); fails with the screen text."""
        end = time.monotonic() + DEADLINE
        while time.monotonic() < end:
            self.read()
            if (check() if check else what in self.text()):
                return
            if self.process.poll() is not None and check is None:
                break
        raise AssertionError(f"waited for {what!r}; the screen said: {self.text()[-2000:]!r}")

    def wait_exit(self) -> int:
        """The exit status, reading the terminal meanwhile (a full terminal would block the app)."""
        self.wait_for("the process to end", lambda: self.process.poll() is not None)
        return self.process.wait()

    def kill(self, sig: int) -> None:
        self.process.send_signal(sig)
        self.wait_exit()
        self.close()

    def close(self) -> None:
        """End the app if it still runs (a failed test) and the terminal; safe to repeat."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=DEADLINE)
        if self.master >= 0:
            os.close(self.master)
            self.master = -1


def journal_ops(state: Path, count: int):
    """A check: some journal in ``state`` holds ``count`` entries."""
    def check() -> bool:
        for path in (state / "cnn-tui").glob(f"*{journal.SUFFIX}"):
            try:
                if len(journal.read_journal(path)[1]) >= count:
                    return True
            except journal.JournalError:
                pass
        return False
    return check


def replayed(scenario: Path, path: Path) -> Stepper:
    stepper = Stepper(load_scenario(scenario))
    done = journal.replay(stepper, journal.read_journal(path)[1])
    assert done.failed is None
    return stepper


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGHUP], ids=["SIGKILL", "SIGHUP"])
def test_killed_in_a_terminal_then_restored(tmp_path: Path, sig: int) -> None:
    scenario = tmp_path / "tiny.yaml"
    shutil.copy(ROOT / "scenarios" / "tiny-cnn.yaml", scenario)
    state = tmp_path / "state"
    folder = state / "cnn-tui"

    term = Terminal(scenario, state)
    try:
        term.wait_for("press f to step forward")
        term.send("f", "f", "x")  # two steps; my answer for pool.out[0,0], selected by the step
        term.wait_for("my answer for pool.out[0,0]")
        term.send("0", ".", "5", "0", "0", "\r", "+", " ")
        term.wait_for("5 journal entries", journal_ops(state, 5))
        term.kill(sig)
    finally:
        term.close()
    [left] = list(folder.glob(f"*{journal.SUFFIX}"))
    crashed = replayed(scenario, left)
    assert crashed.phase().describe() == "forward 4/4: out"
    assert crashed.scenario.expected["pool.out[0,0]"].text == "0.500"

    term = Terminal(scenario, state)
    try:
        term.wait_for("Restore the unsaved session from")
        assert "(5 changes)" in term.text()
        term.send("r")
        term.wait_for("restored the session from")
        term.wait_for("old journal removed", lambda: not left.exists())
        [mine] = list(folder.glob(f"*{journal.SUFFIX}"))
        restored = replayed(scenario, mine)  # what the relaunched app holds, replayed headless
        assert restored.phase().describe() == "forward 4/4: out"
        assert restored.scenario.expected == crashed.scenario.expected
        for key, arr in crashed.state.values.items():
            assert restored.state.values[key].tobytes() == arr.tobytes(), key
        assert [e for e in journal.read_journal(mine)[1] if e["op"] == "decimals"] == [{"op": "decimals",
                                                                                         "value": 4}]
        term.send("q")
        term.wait_for("Quit anyway?")
        term.send("y")
        assert term.wait_exit() == 0
        assert list(folder.glob(f"*{journal.SUFFIX}")) == []  # a clean quit leaves nothing behind
    finally:
        term.close()
