"""Issue 8: hostile files opened from the ``o`` dialog end in one message; the app goes on.

A FIFO must not hang the dialog (it is refused from its stat, never opened), and the
memory bombs are refused from their shapes before anything is allocated.
"""

from __future__ import annotations

import io
import os
import zipfile

import numpy as np
import pytest
from textual.widgets import Input, Static
from tui_helpers import SIZE, cell, press

BOMB = """format: 1
name: bomb
input: [1, 100000]
samples: [{x: [[0]], y: [1]}]
layers:
  - {type: maxpool1d, size: 50000, stride: 1}
loss: mse
learning_rate: 0.1
"""


def _hostile(tmp_path, kind: str) -> tuple[str, str]:
    if kind == "fifo":
        os.mkfifo(tmp_path / "pipe.yaml")
        return str(tmp_path / "pipe.yaml"), "named pipe (FIFO)"
    if kind == "device":
        return "/dev/zero", "a device"
    if kind == "folder":
        return str(tmp_path), "a folder"
    if kind == "window bomb":
        (tmp_path / "bomb.yaml").write_text(BOMB, encoding="utf-8")
        return str(tmp_path / "bomb.yaml"), "2,500,050,000 entries"
    (tmp_path / "s.yaml").write_text(BOMB.replace("input: [1, 100000]", "input: [1]").replace(
        "[{x: [[0]], y: [1]}]", "{file: d.npz}").replace("{type: maxpool1d, size: 50000, stride: 1}",
                                                         "{type: dense, units: 1}"), encoding="utf-8")
    header = np.lib.format.header_data_from_array_1_0(np.zeros((1, 1)))
    header["shape"] = (10**17, 2)
    member = io.BytesIO()
    np.lib.format.write_array_header_1_0(member, header)
    with zipfile.ZipFile(tmp_path / "d.npz", "w") as archive:
        archive.writestr("x.npy", member.getvalue())
        archive.writestr("y.npy", b"")
    return str(tmp_path / "s.yaml"), "x has shape [100000000000000000, 2]"


@pytest.mark.parametrize("kind", ["fifo", "device", "folder", "window bomb", "npz header bomb"])
async def test_a_hostile_open_shows_one_message_and_keeps_the_session(app, tmp_path, kind: str) -> None:
    target, words = _hostile(tmp_path, kind)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "F")
        stepper = app.stepper
        await press(pilot, "o")
        await pilot.pause()
        screen = app.screen
        assert screen.__class__.__name__ == "OpenScreen"
        screen.query_one("#open-path", Input).value = target
        await press(pilot, "enter")
        error = str(screen.query_one("#open-error", Static).content)
        assert words in error and error.count("\n") <= 2, error
        assert app.screen is screen
        await press(pilot, "escape")
        await pilot.pause()
        assert app.stepper is stepper
        assert cell(app, "out.out[0]") == "0.706✓"
