"""The headless progress bar: redrawn in place on a terminal, silent into a pipe or a file."""

from __future__ import annotations

import io

from tui.progress import ProgressBar


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_on_a_terminal_the_bar_is_drawn_in_place_and_wiped() -> None:
    screen = _Terminal()
    bar = ProgressBar(10, stream=screen, width=10)
    bar.suffix = "  epoch 1/1"
    bar.update(10)
    drawn = screen.getvalue()
    assert drawn == "\r[██████████] 10/10 iterations  epoch 1/1"
    bar.clear()
    assert screen.getvalue()[len(drawn):].strip() == ""  # wiped with spaces, no new line
    assert "\n" not in screen.getvalue()


def test_into_a_pipe_nothing_is_written() -> None:
    pipe = io.StringIO()
    bar = ProgressBar(10, stream=pipe)
    for done in range(11):
        bar.update(done)
    bar.clear()
    bar.drop()
    assert pipe.getvalue() == ""
