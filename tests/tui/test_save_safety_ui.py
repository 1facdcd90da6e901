"""Issue 8: a refused save or export in the TUI is one message; the app keeps running and
the session (its edits) is unchanged. A 300-character name crashed save-as on main."""

from __future__ import annotations

import os
import stat

from textual.widgets import Input, OptionList
from tui_helpers import SIZE, cell, message, press, status

from core.scenario.load import load_scenario
from tui.screens.confirm_screen import ConfirmScreen
from tui.screens.export_screen import ExportScreen
from tui.screens.save_screen import SaveScreen
from tui.widgets.panels.layer_panel import CellEditor


async def _edit(app, pilot, name: str, text: str) -> None:
    app.main.select(name)
    await press(pilot, "enter")
    editor = app.screen.query_one(CellEditor)
    editor.value = ""
    await pilot.press(*list(text))
    await press(pilot, "enter")


async def _save_as(app, pilot, target: str) -> None:
    await press(pilot, "S")
    await pilot.pause()
    app.screen.query_one("#save-path", Input).value = target
    await press(pilot, "enter")
    await pilot.pause()


async def test_save_as_refusals_show_a_message_and_keep_the_edits(app, tmp_path):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    (tmp_path / "null.yaml").symlink_to("/dev/null")  # refused by its kind: never written
    async with app.run_test(size=SIZE) as pilot:
        await _edit(app, pilot, "fc.weight[0,0]", "0.5")
        stepper = app.stepper
        cases = [(str(tmp_path / ("a" * 300 + ".yaml")), "the file name is too long: 305 characters"),
                 (str(fifo), "this is a FIFO (named pipe), not a regular file"),
                 (str(tmp_path / "null.yaml"), "this is a character device"),
                 (str(tmp_path), "this is a folder"),
                 (str(tmp_path / "nope" / "x.yaml"), "does not exist")]
        for target, words in cases:
            await _save_as(app, pilot, target)
            if words == "does not exist":  # offered to be created: declined
                assert isinstance(app.screen, ConfirmScreen)
                assert words in str(app.screen.query_one("#question").content)
                await press(pilot, "n")
                await pilot.pause()
                assert "was not created: nothing written" in message(app)
            else:
                assert message(app).startswith("not saved: ") and words in message(app), message(app)
            # the dialog opens again with the path as typed, to correct it
            assert app.is_running and isinstance(app.screen, SaveScreen)
            assert app.screen.query_one("#save-path", Input).value == target
            await press(pilot, "escape")
            await pilot.pause()
            assert app.screen.__class__.__name__ == "MainScreen"
            assert app.stepper is stepper and stepper.edited
            assert cell(app, "fc.weight[0,0]") == "0.500" and "[unsaved]" in status(app)
        assert stat.S_ISFIFO(fifo.lstat().st_mode) and stat.S_ISCHR(os.stat("/dev/null").st_mode)
        assert sorted(p.name for p in tmp_path.iterdir()) == ["null.yaml", "pipe.yaml"]
        good = tmp_path / "kept.yaml"
        await _save_as(app, pilot, str(good))  # the session saves fine afterwards, edit included
        assert f"saved to {good}" in message(app) and not stepper.edited
    assert load_scenario(good).params["fc"]["weight"][0, 0] == 0.5


async def test_a_save_that_would_not_load_back_says_not_saved_once(app, tmp_path, monkeypatch):
    """The check that a saved file loads back refuses it: one message, "not saved" said once
    (core's message said it too: "not saved: …: not saved, the result …"), nothing written."""
    import core.scenario.load as load
    from core.errors import ScenarioError

    def refuse(*args, **kwargs):
        raise ScenarioError("layers: a made-up refusal", file="x.yaml")

    monkeypatch.setattr(load, "parse_scenario", refuse)  # imported by the save when it runs
    target = tmp_path / "back.yaml"
    async with app.run_test(size=SIZE) as pilot:
        await _edit(app, pilot, "fc.weight[0,0]", "0.5")
        await _save_as(app, pilot, str(target))
        await app.workers.wait_for_complete()
        await pilot.pause()
        said = message(app)
        assert said.count("not saved") == 1 and "does not load back" in said, said
        assert "a made-up refusal" in said and app.stepper.edited
    assert list(tmp_path.iterdir()) == []


async def test_save_as_onto_a_sample_file_is_refused_before_asking(app, tmp_path):
    from core.scenario.catalog import bundled_dir, load
    from tui.app import CnnTuiApp

    digits = CnnTuiApp(load(str(bundled_dir() / "digits.yaml")))
    npz = bundled_dir() / "data" / "digits-train.npz"
    before = npz.stat()
    async with digits.run_test(size=SIZE) as pilot:
        await _save_as(digits, pilot, str(npz))
        assert isinstance(digits.screen, SaveScreen)  # no "overwrite?" question first: the dialog again
        assert "not saved" in message(digits) and "the scenario's sample file digits-train.npz" in message(digits)
    after = npz.stat()
    assert (after.st_ino, after.st_size, after.st_mtime_ns) == (before.st_ino, before.st_size, before.st_mtime_ns)


async def _export(app, pilot, path: str) -> None:
    await press(pilot, "e")
    await pilot.pause()
    assert isinstance(app.screen, ExportScreen)
    options = app.screen.query_one(OptionList)
    options.highlighted = options.get_option_index("markdown")
    await press(pilot, "enter")
    app.screen.query_one("#export-path", Input).value = path
    await press(pilot, "enter")
    await pilot.pause()


async def test_export_refusals_show_a_message_and_keep_the_session(app, tmp_path):
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "n")
        iteration = app.stepper.iteration
        for target, words in ((str(tmp_path / ("b" * 300 + ".md")), "the file name is too long"),
                              (str(fifo), "this is a FIFO")):
            await _export(app, pilot, target)
            assert app.is_running and isinstance(app.screen, ExportScreen)  # again, the file as typed
            assert app.screen.query_one("#export-path", Input).value == target
            assert message(app).startswith("not exported: ") and words in message(app), message(app)
            await press(pilot, "escape")
            await pilot.pause()
            assert app.screen.__class__.__name__ == "MainScreen"
            assert app.stepper.iteration == iteration
        assert stat.S_ISFIFO(fifo.lstat().st_mode)
        assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe.md"]
