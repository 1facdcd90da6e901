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


def test_redraws_wait_a_tenth_of_a_second_and_the_last_always_draws(monkeypatch) -> None:
    """Epochs of one iteration print a line each far faster than ten a second: the bar is
    not redrawn (nor wiped) for each, but the last update draws it full."""
    import types

    now = [100.0]
    monkeypatch.setattr("tui.progress.time", types.SimpleNamespace(monotonic=lambda: now[0]))
    screen = _Terminal()
    bar = ProgressBar(10, stream=screen, width=10)
    bar.update(1)
    assert screen.getvalue() == "\r[█░░░░░░░░░] 1/10 iterations"
    bar.clear()
    seen = screen.getvalue()
    bar.update(2)  # the same instant: no redraw
    bar.clear()  # nothing on the screen: nothing to wipe
    assert screen.getvalue() == seen
    now[0] += 0.1
    bar.update(3)
    assert screen.getvalue()[len(seen):] == "\r[███░░░░░░░] 3/10 iterations"
    drawn = screen.getvalue()
    bar.update(10)  # within the tenth of a second, but the last
    assert screen.getvalue()[len(drawn):] == "\r[██████████] 10/10 iterations"
