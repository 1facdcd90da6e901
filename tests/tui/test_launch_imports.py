"""What the TUI's first frame does not need is not imported for it (issue 15: start-up), and
what was left out still works when it is first asked for: argparse (only a command line
with a command or --root is parsed), zipfile (only an npz is read; the bundled folder is
found without importlib.resources), the heatmaps' widget (made when a panel first shows
heatmaps, at the first h even before anything else ran), the quiz's answer bar and the α and
answer editors (their messages reach the main screen by their handlers' names; the quiz,
samples and editing tests use them), the restore dialog and the confirm dialog it is made
from (only when a journal was left behind: tests/tui/test_recovery_ui.py). The hidden
training panel is not in the first frame either: it is mounted (and its module imported) when
first wanted."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tui_helpers import SIZE, derivation, press

from core.scenario.catalog import bundled_dir, load
from tui.app import CnnTuiApp
from tui.widgets.heatmap.heatmap_view import HeatmapView
from tui.widgets.training.loss_chart import TrainPanel

ROOT = Path(__file__).resolve().parents[2]
LEFT_OUT = ("argparse", "zipfile", "tui.widgets.heatmap.heatmap_view", "tui.widgets.heatmap.render",
            "tui.widgets.quiz.quiz_bar", "tui.widgets.bars.rate_editor", "tui.widgets.editing.answer_editor",
            "tui.screens.restore_screen", "tui.screens.confirm_screen", "tui.widgets.training.loss_chart")

# a fresh interpreter runs the command up to the app's run: it reads the command line (no
# command: the TUI), loads tiny-cnn and builds the app with its main screen, then says which
# of the modules named it has imported, in place of running the app
LAUNCH = """
import json, sys
from tui import cli
from textual.app import App
App.run = lambda self: print(json.dumps([name for name in sys.argv[1:] if name in sys.modules]))
sys.exit(cli.main(["tiny-cnn"]))
"""


def test_the_launch_of_tiny_cnn_imports_none_of_what_its_first_frame_does_not_need() -> None:
    done = subprocess.run([sys.executable, "-c", LAUNCH, *LEFT_OUT], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == []


# the same launch run on to its first frame (mounted and drawn, headless), and what it imported
FIRST_FRAME = """
import asyncio, json, sys
from core.scenario.catalog import load
from tui.app import CnnTuiApp

async def main():
    app = CnnTuiApp(load("tiny-cnn"))
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        print(json.dumps([name for name in sys.argv[1:] if name in sys.modules]))

asyncio.run(main())
"""
# the explainer writes derivations: the first frame shows tiny-cnn's story in the derivation
# panel's place, so none is written (nor its modules imported) until the story closes; PyYAML
# reads tiny-cnn at the first launch only (then its parsed document is kept: parsed_cache)
NOT_DRAWN = (*LEFT_OUT, "core.explain.explainer", "core.explain.derivation", "core.explain.arithmetic", "yaml")


def test_the_first_frame_of_tiny_cnn_imports_no_explainer_nor_yaml_once_read(tmp_path: Path) -> None:
    found = []
    for _ in range(2):
        done = subprocess.run([sys.executable, "-c", FIRST_FRAME, *NOT_DRAWN], cwd=ROOT, capture_output=True,
                              text=True, timeout=120, env={**os.environ, "XDG_STATE_HOME": str(tmp_path)})
        assert done.returncode == 0, done.stderr
        found.append(json.loads(done.stdout.strip().splitlines()[-1]))
    assert found == [["yaml"], []]


async def test_the_derivation_hidden_behind_the_story_is_written_when_the_story_closes() -> None:
    app = CnnTuiApp(load("tiny-cnn"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.main.story.shown and app.main.selected == "input[0,0]"
        assert "input[0,0]" not in derivation(app)  # hidden: not written
        await press(pilot, "escape")
        assert not app.main.story.shown
        assert derivation(app).startswith("input[0,0]")


def test_the_bundled_folder_is_the_scenarios_package() -> None:
    import scenarios

    assert bundled_dir() == Path(scenarios.__file__).parent
    assert (bundled_dir() / "tiny-cnn.yaml").is_file()


async def test_h_at_once_makes_the_heatmaps_of_a_panel_that_had_none() -> None:
    app = CnnTuiApp(load("tiny-cnn"))
    async with app.run_test(size=SIZE) as pilot:
        panel = app.main.panels[0]
        assert panel.mode == "numbers" and panel._heatmap is None  # none made for the first frame
        await press(pilot, "h")  # the first key of the session
        assert panel.mode == "heatmap"
        assert isinstance(panel.heatmap, HeatmapView) and panel.heatmap.display and not panel.grid.display
        assert app.focused is panel.heatmap and panel.heatmap.blocks  # drawn from the stepper's arrays
        await press(pilot, "h")
        assert panel.mode == "numbers" and app.focused is panel.grid and not panel.heatmap.display


async def test_the_training_panel_is_mounted_when_first_wanted() -> None:
    app = CnnTuiApp(load("tiny-cnn"))
    async with app.run_test(size=SIZE) as pilot:
        assert not app.main.query(TrainPanel)  # not in the first frame
        await press(pilot, "c")  # show the training panel
        panel = app.main.query_one(TrainPanel)
        assert panel.display and panel is app.main.training.panel  # mounted once, then found
        assert app.main.children.index(panel) == app.main.children.index(app.main.query_one("#panels")) + 1
        assert "trains from here" in panel.summary  # its idle line, written before Textual mounted it
        await press(pilot, "c")
        assert not panel.display and len(app.main.query(TrainPanel)) == 1
