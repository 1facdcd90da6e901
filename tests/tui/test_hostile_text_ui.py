"""Issue 8: text from a file or a user shows literally in the TUI: never as markup (no
MarkupError, no action links), never as raw control characters."""

from __future__ import annotations

import shutil

from fixtures.hostile_names import named_tiny
from textual.widgets import Input, Static
from tui_helpers import SIZE, message, press, status

from core.scenario.catalog import bundled_dir, load
from core.scenario.load import parse_scenario
from core.text import visible
from tui.app import CnnTuiApp

NAME = "evil\x1b[2J [bold red]x[/] [@click=app.quit]quit[/] [link=https://evil.example]y[/link] [/]"
DESCRIPTION = "first line\x1b[31m [/]\n[@click=app.quit]second[/] line\x07\n\n[b]third"


def _plain(widget: Static) -> str:
    content = widget.content
    return getattr(content, "plain", str(content))


def _no_raw_controls(text: str) -> bool:
    return all(c.isprintable() or c == "\n" for c in text)


async def test_a_hostile_name_and_description_show_literally():
    app = CnnTuiApp(parse_scenario(named_tiny(NAME, DESCRIPTION)))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert visible(NAME) in status(app)
        assert message(app).startswith(visible(NAME) + ": press f")
        assert _no_raw_controls(status(app)) and _no_raw_controls(message(app))
        await press(pilot, "question_mark")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "HelpScreen"
        assert _plain(app.screen.query_one("#help-scenario", Static)) == visible(NAME)
        description = _plain(app.screen.query_one("#help-description", Static))
        assert description == visible(DESCRIPTION.strip(), keep_newlines=True)
        assert "[@click=app.quit]second[/] line\\x07" in description
        screenshot = app.export_screenshot()
        assert "\x1b" not in screenshot and "evil\\x1b[2J" in screenshot
        await press(pilot, "escape")
        await pilot.pause()
        await pilot.click("#status")  # a click on the name runs no action: the app stays
        await press(pilot, "f")
        assert app.is_running and "forward 2/4" in status(app)


async def test_markup_in_a_path_shows_literally_in_the_open_dialog(app, tmp_path):
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "o")
        await pilot.pause()
        app.screen.query_one("#open-path", Input).value = str(tmp_path / "[/]\x1b[2J[@click=app.quit]q[/].yaml")
        await press(pilot, "enter")
        await pilot.pause()
        error = _plain(app.screen.query_one("#open-error", Static))
        assert "[/]\\x1b[2J[@click=app.quit]q[/].yaml" in error
        assert app.screen.__class__.__name__ == "OpenScreen" and app.is_running


async def test_opening_a_hostile_scenario_says_its_name_literally(app, tmp_path):
    path = tmp_path / "hostile.yaml"
    path.write_text(named_tiny(NAME, DESCRIPTION), encoding="utf-8")
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "o")
        await pilot.pause()
        app.screen.query_one("#open-path", Input).value = str(path)
        await press(pilot, "enter")
        await pilot.pause()
        await pilot.pause()
        assert message(app).startswith(f"opened {visible(NAME)} (")
        assert visible(NAME) in status(app)


async def test_markup_in_a_save_target_shows_literally_in_the_confirmation(app, tmp_path):
    target = tmp_path / "[link=a:b]y[bold]x[@click=app.quit]q.yaml"  # a MarkupError, bold, an action
    shutil.copy(bundled_dir() / "tiny-cnn.yaml", target)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "S")
        await pilot.pause()
        app.screen.query_one("#save-path", Input).value = str(target)
        await press(pilot, "enter")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "ConfirmScreen"
        question = _plain(app.screen.query_one("#question", Static))
        # a long path keeps its end, where the file name is (the markup shown literally)
        assert question.endswith(f"/{target.name} exists. Overwrite it?")
        await press(pilot, "n")
        await pilot.pause()
        assert "cancelled" in message(app)
    assert load(str(target)).name == load("tiny-cnn").name  # nothing written


async def test_markup_typed_as_a_training_count_shows_literally(app):
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "t")
        await pilot.pause()
        app.screen.query_one("#train-count", Input).value = "[/]\x1b[2J"
        await press(pilot, "enter")
        await pilot.pause()
        shown = _plain(app.screen.query_one("#train-error", Static))
        assert shown == "'[/]\\x1b[2J' is not a whole number: type ASCII digits, e.g. 10 or 1,000"
        assert app.is_running and not app.main.training.running


async def test_file_names_in_the_open_dialog_show_control_characters_visibly(tiny_copy):
    import time

    from tui.screens.open_screen import YamlTree

    (tiny_copy.parent / "clear\x1b[2J[@click=app.quit]q.yaml").write_text("x: 1\n", encoding="utf-8")
    app = CnnTuiApp(load(str(tiny_copy)))
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "o")
        tree = app.screen.query_one(YamlTree)
        end = time.monotonic() + 10
        while len(tree.root.children) < 2 and time.monotonic() < end:
            await pilot.pause(0.05)
        labels = sorted(str(node.label) for node in tree.root.children)
        assert labels == ["clear\\x1b[2J[@click=app.quit]q.yaml", "tiny.yaml"]
