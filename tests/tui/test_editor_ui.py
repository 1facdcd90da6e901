"""The network editor: every key, invalid edits said with the loader's words, and the notes' network
built from a blank design (cnn-tui new) solving exactly as tiny-cnn, then stepped and saved."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, Input, Static
from tui_helpers import SIZE, cell, message, press

from core.exports.report import solve
from core.scenario.catalog import load
from core.scenario.draft import Draft
from core.scenario.load import load_scenario
from tui.app import CnnTuiApp
from tui.screens.confirm_screen import ConfirmScreen
from tui.screens.editor_screen import EditorScreen

CONV = "{name: conv, type: conv1d, filters: 2, kernel: 3, activation: sigmoid, " \
       "weight: [[[0.1, 0.2, 0.3]], [[0.3, 0.2, 0.1]]], bias: [0.5, -0.5]}"
POOL = "{name: pool, type: maxpool1d, size: 2}"
FC = "{name: fc, type: dense, units: 2, activation: sigmoid, weight: [[0.1, 0.2], [-0.1, -0.2]], bias: [0.3, -0.3]}"
OUT = "{name: out, type: dense, units: 2, activation: softmax, weight: [[0.1, 0.2], [-0.1, -0.2]], bias: [0.3, -0.3]}"


def editor(app: CnnTuiApp) -> EditorScreen:
    assert isinstance(app.screen, EditorScreen)
    return app.screen


def said(app: CnnTuiApp) -> str:
    content = editor(app).query_one("#editor-message", Static).content
    return str(getattr(content, "plain", content))


def lines(app: CnnTuiApp) -> list[str]:
    table = editor(app).query_one(DataTable)
    return [str(table.get_row_at(i)[4]) for i in range(table.row_count)]


async def goto(pilot, app: CnnTuiApp, key: str) -> None:
    """Put the table's cursor on a row (layer:N or setting:NAME)."""
    table = editor(app).query_one(DataTable)
    table.move_cursor(row=table.get_row_index(key), animate=False)
    await pilot.pause()


async def write(pilot, app: CnnTuiApp, text: str) -> None:
    """enter on the selected row, the line replaced by ``text``, enter."""
    await press(pilot, "enter")
    line = editor(app).query_one("#editor-line", Input)
    assert line.has_focus
    line.value = text
    await press(pilot, "enter")


async def test_new_builds_the_notes_network_which_solves_as_tiny_cnn_and_saves(tmp_path: Path) -> None:
    design = Draft.blank()
    app = CnnTuiApp(design.scenario, design)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert lines(app)[0] == "{name: out, type: dense, units: 2, activation: softmax}"
        await press(pilot, "a")  # the output stays last: the new layer goes before it
        assert lines(app)[:2] == ["{name: dense1, type: dense, units: 2, activation: relu}",
                                  "{name: out, type: dense, units: 2, activation: softmax}"]
        await goto(pilot, app, "layer:0")
        await write(pilot, app, CONV)
        await press(pilot, "a")  # after conv
        await goto(pilot, app, "layer:1")
        await write(pilot, app, POOL)
        await press(pilot, "a")
        await goto(pilot, app, "layer:2")
        await write(pilot, app, FC)
        await goto(pilot, app, "layer:3")
        await write(pilot, app, OUT)
        assert said(app) == "layer 4: checked as a file is"
        await goto(pilot, app, "setting:samples")
        await write(pilot, app, "[{x: [[0.1, 0.0, 0.0, 0.1]], y: [1, 0]}]")
        await goto(pilot, app, "setting:learning_rate")
        await write(pilot, app, "0.5")
        assert said(app) == "learning rate α: checked as a file is"
        table = editor(app).query_one(DataTable)
        assert [tuple(str(c) for c in table.get_row_at(i)[1:4]) for i in range(4)] == [
            ("[1, 4]", "[2, 2]", "8"), ("[2, 2]", "[2, 1]", "0"), ("[2, 1]", "[2]", "6"), ("[2]", "[2]", "6")]
        await press(pilot, "o")
        await pilot.pause()
        assert app.screen is app.main
        assert "the designed network is open" in message(app)
        built = solve(app.stepper.scenario)[0]
        assert built.values == solve(load("tiny-cnn"))[0].values
        await press(pilot, "n")
        assert cell(app, "out.out[0]") == "0.706"
        await press(pilot, "z", "S")
        await pilot.pause()
        target = tmp_path / "mine.yaml"
        app.screen.query_one("#save-path", Input).value = str(target)
        await press(pilot, "enter")
        await pilot.pause()
        for _ in range(50):
            if target.exists() and not app.main.files.busy:
                break
            await pilot.pause(0.05)
        assert solve(load_scenario(target))[0].values == built.values


async def test_an_invalid_edit_is_said_with_the_loader_s_words_and_the_line_stays(app: CnnTuiApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "escape", "N")
        await pilot.pause()
        before = lines(app)
        await goto(pilot, app, "layer:0")
        await write(pilot, app, "{name: conv, type: conv1d, filters: 2, kernel: 5, activation: sigmoid}")
        assert said(app).startswith("the design: layers[0].kernel: kernel 5 does not fit")
        line = editor(app).query_one("#editor-line", Input)
        assert line.display and line.has_focus and "kernel: 5" in line.value  # kept to be corrected
        await press(pilot, "escape")
        assert not line.display and lines(app) == before
        await goto(pilot, app, "setting:loss")
        await write(pilot, app, "hinge")
        assert "loss: unknown loss 'hinge'" in said(app)
        await press(pilot, "escape")
        await goto(pilot, app, "setting:learning_rate")
        await write(pilot, app, "-1")
        assert said(app) == "the design: learning_rate: expected a number > 0, got -1"
        await press(pilot, "escape")
        assert lines(app) == before


async def test_add_remove_move_undo_and_leave(app: CnnTuiApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "escape", "N")
        await pilot.pause()
        names = lambda: [line.split(",")[0].removeprefix("{name: ") for line in lines(app)[:-9]]  # noqa: E731
        assert names() == ["conv", "pool", "fc", "out"]
        await goto(pilot, app, "layer:2")
        await press(pilot, "a")
        assert names() == ["conv", "pool", "fc", "dense1", "out"]
        await press(pilot, "K")  # dense1 up, before fc
        assert names() == ["conv", "pool", "dense1", "fc", "out"]
        await press(pilot, "J")
        assert names() == ["conv", "pool", "fc", "dense1", "out"]
        await press(pilot, "shift+up")
        assert names() == ["conv", "pool", "dense1", "fc", "out"]
        await press(pilot, "shift+down")
        assert names() == ["conv", "pool", "fc", "dense1", "out"]
        await goto(pilot, app, "layer:3")
        await press(pilot, "x")
        assert names() == ["conv", "pool", "fc", "out"]
        await press(pilot, "z")
        assert names() == ["conv", "pool", "fc", "dense1", "out"]
        await goto(pilot, app, "layer:3")
        await press(pilot, "delete")
        assert names() == ["conv", "pool", "fc", "out"]
        await press(pilot, "z")
        await goto(pilot, app, "layer:4")
        await press(pilot, "J")
        assert "already at that end" in said(app)
        await press(pilot, "escape")  # the design differs (dense1 is in it): escape asks first
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen) and "lose the changes" in str(app.screen.question)
        await press(pilot, "n")
        await pilot.pause()
        assert isinstance(app.screen, EditorScreen) and "kept the design" in said(app)
        await press(pilot, "escape")
        await pilot.pause()
        await press(pilot, "y")
        await pilot.pause()
        assert app.screen is app.main
        assert message(app) == "left the network editor; nothing changed"
        assert [layer.name for layer in app.stepper.network.layers] == ["conv", "pool", "fc", "out"]


async def test_the_editor_s_keys_are_in_help_and_the_palette(app: CnnTuiApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "escape", "N")
        await pilot.pause()
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Add a dense layer after the selected one (edit its line to change its type) (a)" in titles
        assert not any(t.startswith("Forward one layer") for t in titles)
        await press(pilot, "question_mark")
        await pilot.pause()
        from textual.widgets import Markdown

        text = app.screen.query_one(Markdown).source
        assert "## The network editor (N)" in text and "| `K shift+up` | move the selected layer up" in text


def test_cnn_tui_new_opens_the_editor_on_a_blank_design(monkeypatch) -> None:
    from tui import cli

    started: list[CnnTuiApp] = []
    monkeypatch.setattr(CnnTuiApp, "run", lambda self: started.append(self))
    assert cli.main(["new"]) == 0
    [app] = started
    assert app._design is not None and [r.line for r in app._design.rows()] == [
        "{name: out, type: dense, units: 2, activation: softmax}"]
    assert app.stepper.scenario.name == "new network"
    assert cli.main(["new", "extra"]) == 2


async def test_opening_a_design_over_unsaved_edits_asks_first(app: CnnTuiApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "escape")
        app.stepper.edit("conv.weight[0,0,1]", 0.5)
        await press(pilot, "N")
        await pilot.pause()
        await goto(pilot, app, "layer:2")
        await write(pilot, app, "{name: fc, type: dense, units: 3, activation: sigmoid}")
        await press(pilot, "o")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "ConfirmScreen"
        await press(pilot, "n")
        await pilot.pause()
        assert app.main.stepper.network.layer("fc").units == 2 and message(app) == "cancelled"
        await press(pilot, "N")
        await pilot.pause()
        await goto(pilot, app, "layer:2")
        await write(pilot, app, "{name: fc, type: dense, units: 3, activation: sigmoid}")
        await press(pilot, "o")
        await pilot.pause()
        await press(pilot, "y")
        await pilot.pause()
        await pilot.pause()
        assert app.main.stepper.network.layer("fc").units == 3
        assert app.main.stepper.value("conv.weight[0,0,1]") == 0.5  # the design kept the edited weight
        assert "the designed network is open" in message(app)
