"""A served session (``--root DIR``): open and save stay inside DIR, refused with one message
otherwise; in a browser an export is a download (``App.deliver_text``), nothing written."""

from __future__ import annotations

import shutil
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, Static
from tui_helpers import SIZE, cell, message, press

from core.exports.formats import export_text
from core.scenario.catalog import bundled_dir, load
from core.scenario.root import Root
from tui.app import CnnTuiApp

REFUSED = "is outside the folder this session may use"


@pytest.fixture
def room(tmp_path: Path) -> Path:
    """The served folder with a copy of tiny-cnn; another copy beside it, outside."""
    folder = tmp_path / "class"
    folder.mkdir()
    shutil.copy(bundled_dir() / "tiny-cnn.yaml", folder / "tiny.yaml")
    shutil.copy(bundled_dir() / "tiny-cnn.yaml", tmp_path / "secret.yaml")
    return folder


def served(room: Path, scenario: str = "tiny-cnn") -> CnnTuiApp:
    return CnnTuiApp(load(scenario), root=Root(room))


async def try_open(pilot: Any, app: CnnTuiApp, typed: str) -> str:
    await press(pilot, "o")
    await pilot.pause()
    assert app.screen.__class__.__name__ == "OpenScreen"
    app.screen.query_one("#open-path", Input).value = typed
    await press(pilot, "enter")
    for _ in range(50):  # the load runs in a thread
        await pilot.pause(0.05)
        if app.screen.__class__.__name__ != "OpenScreen" or "opening" not in error_text(app):
            break
    return error_text(app) if app.screen.__class__.__name__ == "OpenScreen" else ""


def error_text(app: CnnTuiApp) -> str:
    return str(app.screen.query_one("#open-error", Static).content)


@pytest.mark.parametrize("typed", ["../secret.yaml", "SECRET", "link.yaml", "/etc/passwd"])
async def test_an_open_outside_the_folder_is_refused_and_the_session_kept(room: Path, typed: str) -> None:
    secret = room.parent / "secret.yaml"
    (room / "link.yaml").symlink_to(secret)
    typed = typed.replace("SECRET", str(secret))
    app = served(room)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "F")
        stepper = app.stepper
        said = await try_open(pilot, app, typed)
        assert REFUSED in said
        await press(pilot, "escape")
        await pilot.pause()
        assert app.stepper is stepper
        assert cell(app, "out.out[0]") == "0.706✓"
        logged = [entry.text for entry in app.main.messages.log.entries]
        assert any(text.startswith("not opened: ") and REFUSED in text for text in logged)


async def test_an_open_inside_the_folder_and_a_bundled_name_work(room: Path) -> None:
    app = served(room)
    async with app.run_test(size=SIZE) as pilot:
        assert await try_open(pilot, app, "tiny.yaml") == ""  # relative: read from the folder
        await pilot.pause()
        assert app.stepper.scenario.path == (room / "tiny.yaml").resolve()
        assert "opened" in message(app)
        assert await try_open(pilot, app, "tiny-cnn") == ""
        await pilot.pause()
        assert app.stepper.scenario.path == bundled_dir() / "tiny-cnn.yaml"


async def test_the_open_dialog_starts_in_the_folder(room: Path) -> None:
    app = served(room, str(room.parent / "secret.yaml"))  # the lecturer's scenario, outside
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "o")
        await pilot.pause()
        assert app.screen.folder == room.resolve()


async def test_a_save_outside_the_folder_is_refused_and_writes_nothing(room: Path) -> None:
    app = served(room)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "n", "s")
        await pilot.pause()
        field = app.screen.query_one("#save-path", Input)
        assert field.value == str(room.resolve() / "tiny-cnn.yaml")  # the default is inside
        field.value = "../stolen.yaml"
        await press(pilot, "enter")
        await pilot.pause()
        assert message(app).startswith("not saved: ../stolen.yaml " + REFUSED)
        assert app.screen.__class__.__name__ == "SaveScreen"  # again, to correct the path
        assert not (room.parent / "stolen.yaml").exists()
        app.screen.query_one("#save-path", Input).value = "mine.yaml"
        await press(pilot, "enter")
        for _ in range(50):
            await pilot.pause(0.05)
            if (room / "mine.yaml").exists() and "saved to" in message(app):
                break
        assert f"saved to {room.resolve() / 'mine.yaml'}" in message(app)
    assert load(str(room / "mine.yaml")).params["out"]["weight"][0, 0] != 0.1  # the updated weights


async def test_saving_a_file_from_outside_saves_a_copy_inside(room: Path) -> None:
    secret = room.parent / "secret.yaml"
    before = secret.read_text()
    app = served(room, str(secret))
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "n", "s")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "SaveScreen"
        assert app.screen.query_one("#save-path", Input).value == str(room.resolve() / "secret.yaml")
    assert secret.read_text() == before


async def test_served_export_is_a_download(room: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    delivered: list[tuple[str, dict[str, Any]]] = []

    def deliver_text(self: CnnTuiApp, file: StringIO, **options: Any) -> str:
        delivered.append((file.getvalue(), options))
        return "key"

    monkeypatch.setattr(CnnTuiApp, "is_web", property(lambda self: True))
    monkeypatch.setattr(CnnTuiApp, "deliver_text", deliver_text)
    app = served(room)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "n", "e")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "ExportScreen"
        assert "your browser downloads the file" in str(app.screen.query_one(".why", Static).content)
        await press(pilot, "enter")  # Markdown; then the file's name
        await press(pilot, "enter")
        await pilot.pause()
        expected = export_text(app.stepper, "markdown")
        assert message(app) == "exported iteration 1 as Markdown: your browser downloads tiny-cnn-iteration-1.md"
    [(text, options)] = delivered
    assert text == expected and "0.706" in text
    assert options == {"save_filename": "tiny-cnn-iteration-1.md", "mime_type": "text/markdown"}
    assert sorted(p.name for p in room.iterdir()) == ["tiny.yaml"]  # nothing written on the server


async def test_served_export_keeps_only_the_name(room: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    delivered: list[dict[str, Any]] = []
    monkeypatch.setattr(CnnTuiApp, "is_web", property(lambda self: True))
    monkeypatch.setattr(CnnTuiApp, "deliver_text", lambda self, file, **options: delivered.append(options))
    app = served(room)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "n", "e")
        await pilot.pause()
        app.screen.query_one("#export-path", Input).value = "../../etc/notes.md"
        app.screen.query_one("#export-path", Input).focus()
        await press(pilot, "enter")
        await pilot.pause()
    assert delivered[0]["save_filename"] == "notes.md"


async def test_an_export_outside_the_folder_in_a_terminal_is_refused(room: Path) -> None:
    app = served(room)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "n", "e")
        await pilot.pause()
        app.screen.query_one("#export-path", Input).value = "../out.md"
        app.screen.query_one("#export-path", Input).focus()
        await press(pilot, "enter")
        await pilot.pause()
        assert message(app).startswith("not exported: ../out.md " + REFUSED)
        assert app.screen.__class__.__name__ == "ExportScreen"
    assert not (room.parent / "out.md").exists()


async def test_a_served_session_keeps_no_journal_and_offers_none(room: Path, _own_state_dir: Path) -> None:
    """Every tab runs as the server's user: one student's unsaved session is never offered to the next."""
    first = CnnTuiApp(load("tiny-cnn"))  # a terminal session on tiny-cnn that ends without a clean quit
    async with first.run_test(size=SIZE) as pilot:
        await press(pilot, "F")
    left = sorted(_own_state_dir.rglob("*.journal"))
    assert left  # the terminal session's journal is there to be offered
    app = served(room)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.screen.__class__.__name__ == "MainScreen"  # no "Restore the unsaved session?"
        await press(pilot, "F")
        assert cell(app, "out.out[0]") == "0.706✓"
        assert sorted(_own_state_dir.rglob("*.journal")) == left  # and it wrote none of its own


@pytest.mark.parametrize("dialog", ["open", "save", "export"])
async def test_completion_suggests_nothing_outside_the_folder(room: Path, dialog: str) -> None:
    (room.parent / "zz-outside").mkdir()
    (room / "week1").mkdir()
    app = served(room)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, *{"open": ("o",), "save": ("S",), "export": ("n", "e")}[dialog])
        await pilot.pause()
        field = app.screen.query_one(Input)
        if dialog == "export":
            field = app.screen.query_one("#export-path", Input)
        suggester = field.suggester
        assert suggester is not None
        assert await suggester.get_suggestion("we") == "week1/"  # read from the folder
        assert await suggester.get_suggestion(str(room / "we")) == str(room / "week1") + "/"
        assert await suggester.get_suggestion("../zz") is None  # a terminal session would offer zz-outside/
        assert await suggester.get_suggestion(str(room.parent) + "/zz") is None


async def test_the_open_dialog_lists_nothing_a_link_leads_out_to(room: Path) -> None:
    (room / "elsewhere").symlink_to(room.parent)  # a folder link out of the folder
    (room / "peek.yaml").symlink_to(room.parent / "secret.yaml")
    (room / "week1").mkdir()
    app = served(room)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "o")
        for _ in range(50):
            await pilot.pause(0.05)
            tree = app.screen.query_one("#open-tree")
            if tree.root.children:
                break
        shown = sorted(str(child.label) for child in tree.root.children)
    assert shown == ["tiny.yaml", "week1"]
