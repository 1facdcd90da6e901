"""Pictures of the trace on each layer type, the story, the sample picker and the network editor."""

from __future__ import annotations

import pytest

from core.scenario.catalog import load
from core.scenario.draft import Draft
from tui.app import CnnTuiApp

SIZE = (120, 36)


def selecting(name: str, *keys: str):
    async def run(pilot) -> None:
        await pilot.press("escape", *keys)
        pilot.app.main.select(name)
        await pilot.pause()

    return run


@pytest.mark.parametrize(("scenario", "name", "keys"), [
    ("tiny-cnn", "fc.net[0]", ("n",)),  # dense: its weight row, its inputs, its bias
    ("tiny-cnn", "conv.net[1,1]", ("n",)),  # conv1d: the window under the kernel
    ("tiny-cnn", "pool.out[0,0]", ("F",)),  # max-pool: the window, the winner reversed
    ("tiny-cnn", "conv.delta[0,1]", ("n",)),  # the gradient routed back through the pool
    ("tiny-cnn", "out.new_weight[0,1]", ("n",)),  # the update
    ("residual-block", "skip.net[0,0]", ("n",)),  # add: one value of each input (batch norm on one path)
])
def test_trace(snap_compare, scenario, name, keys):
    assert snap_compare(CnnTuiApp(load(scenario)), terminal_size=SIZE, run_before=selecting(name, *keys))


def test_trace_of_what_reads_a_weight(snap_compare):
    assert snap_compare(CnnTuiApp(load("tiny-cnn")), terminal_size=SIZE,
                        run_before=selecting("out.weight[1,0]", "n", "d"))


def test_trace_at_80_by_24(snap_compare):
    assert snap_compare(CnnTuiApp(load("tiny-cnn")), terminal_size=(80, 24), run_before=selecting("fc.delta[0]", "n"))


def test_story_when_digits_opens(snap_compare):
    assert snap_compare(CnnTuiApp(load("digits")), terminal_size=(80, 24))


def test_sample_picker(snap_compare):
    assert snap_compare(CnnTuiApp(load("digits")), terminal_size=(80, 24), press=["escape", "l", "down", "down"])


def test_editor_on_tiny_cnn_with_an_invalid_edit(snap_compare):
    async def invalid(pilot) -> None:
        await pilot.press("escape", "N")
        await pilot.pause()
        await pilot.press("enter")
        line = pilot.app.screen.query_one("#editor-line")
        line.cursor_blink = False
        line.value = "{name: conv, type: conv1d, filters: 2, kernel: 5, activation: sigmoid}"
        await pilot.press("enter")
        await pilot.pause()

    assert snap_compare(CnnTuiApp(load("tiny-cnn")), terminal_size=(80, 24), run_before=invalid)


def test_editor_new(snap_compare):
    design = Draft.blank()
    assert snap_compare(CnnTuiApp(design.scenario, design), terminal_size=(80, 24), press=["a"])
