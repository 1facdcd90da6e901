"""Crash recovery in the app: a session left without a clean quit is offered back, exactly."""

from __future__ import annotations

from pathlib import Path

from test_editing import start_edit, type_value
from test_learner_tools_ui import my_answer
from test_quiz_ui import answer, start_quiz
from tui_helpers import SIZE, cell, message, press, status

from core.engine import journal
from core.scenario.catalog import load
from core.scenario.load import load_scenario
from tui.app import CnnTuiApp
from tui.screens.restore_screen import RestoreScreen


def shown(app: CnnTuiApp) -> dict[str, str]:
    """Every value as the panels show it (text and ✓/✗ mark)."""
    return {c.name: c.text + c.mark for panel in app.main.panels for row in panel.grid.rows for c in row.cells
            if getattr(c, "name", None)}


def journals(state: Path) -> list[Path]:
    return sorted((state / "cnn-tui").glob(f"*{journal.SUFFIX}"))


async def work(app: CnnTuiApp, pilot) -> None:
    """Edits, a typed answer, steps, decimals and an undo: a session worth keeping."""
    await press(pilot, "f", "f")
    editor = await start_edit(app, pilot, "fc.weight[0,0]")
    await type_value(pilot, editor, "0.5")
    await press(pilot, "f", "f")
    await my_answer(app, pilot, "out.out[0]", "0.625")
    await press(pilot, "b", "b", "b", "z", "plus")


async def test_a_session_left_without_quitting_is_restored_exactly(tiny_copy, _own_state_dir):
    first = CnnTuiApp(load_scenario(tiny_copy))
    async with first.run_test(size=SIZE) as pilot:
        await work(first, pilot)
        before = shown(first)
        before_status, undo_label = status(first), first.stepper.undo_label
        assert first.main.decimals == 4 and "backward 3/4: pool" in before_status
    assert len(journals(_own_state_dir)) == 1  # not a clean quit: the journal stays

    second = CnnTuiApp(load_scenario(tiny_copy))
    async with second.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(second.screen, RestoreScreen)
        question = str(second.screen.query_one("#question").content)
        assert question.startswith("Restore the unsaved session from ") and question.endswith("(11 changes)")
        await press(pilot, "r")
        await pilot.pause()
        assert not isinstance(second.screen, RestoreScreen)
        assert shown(second) == before
        assert status(second) == before_status
        assert cell(second, "fc.weight[0,0]") == "0.5000" and second.main.decimals == 4
        assert second.stepper.scenario.expected["out.out[0]"].text == "0.625"
        assert second.stepper.undo_label == undo_label  # the undo history came back with the replay
        assert "restored the session from" in message(second) and "11 changes" in message(second)
        await press(pilot, "z")  # undo works on the restored history: the second backward step
        assert "backward 2/4: fc" in status(second)
    # the old journal is gone; this session's own one holds the replayed commands and the undo
    [left] = journals(_own_state_dir)
    ops = [e["op"] for e in journal.read_journal(left)[1]]
    assert ops.count("edit") == 1 and ops.count("undo") == 2 and ops[-1] == "undo"


async def test_discard_starts_from_the_file_and_drops_the_journal(tiny_copy, _own_state_dir):
    first = CnnTuiApp(load_scenario(tiny_copy))
    async with first.run_test(size=SIZE) as pilot:
        await press(pilot, "f", "f")
    second = CnnTuiApp(load_scenario(tiny_copy))
    async with second.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(second.screen, RestoreScreen)
        await press(pilot, "d")
        assert "forward 1/4: conv" in status(second)
        assert "discarded the unsaved session" in message(second)
        assert len(journals(_own_state_dir)) == 1  # only this session's own
    third = CnnTuiApp(load_scenario(tiny_copy))
    async with third.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert not isinstance(third.screen, RestoreScreen)  # the discarded one is not offered again


async def test_a_clean_quit_removes_the_journal(tiny_copy, _own_state_dir):
    app = CnnTuiApp(load_scenario(tiny_copy))
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "f")
        editor = await start_edit(app, pilot, "fc.bias[0]")
        await type_value(pilot, editor, "1")
        assert len(journals(_own_state_dir)) == 1
        await press(pilot, "q")
        await press(pilot, "y")  # quit anyway, discarding the edit
    assert app.return_code == 0 and journals(_own_state_dir) == []


async def test_a_changed_file_is_not_restored_onto(tiny_copy, _own_state_dir):
    first = CnnTuiApp(load_scenario(tiny_copy))
    async with first.run_test(size=SIZE) as pilot:
        await press(pilot, "f", "f")
    tiny_copy.write_text(tiny_copy.read_text().replace("learning_rate: 0.5", "learning_rate: 0.25"))
    second = CnnTuiApp(load_scenario(tiny_copy))
    async with second.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert not isinstance(second.screen, RestoreScreen)
        assert "forward 1/4: conv" in status(second)
        assert "is for an earlier version of this file: not restored" in message(second)
        [kept] = (_own_state_dir / "cnn-tui").glob("*.stale")
        assert f"(kept as {kept.name} in {kept.parent})" in message(second)
    third = CnnTuiApp(load_scenario(tiny_copy))  # said once: the next launch is quiet
    async with third.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert "earlier version" not in message(third) and not isinstance(third.screen, RestoreScreen)
        assert len(list((_own_state_dir / "cnn-tui").glob("*.stale"))) == 1


async def test_a_save_starts_a_fresh_journal_from_the_saved_file(tiny_copy, _own_state_dir):
    first = CnnTuiApp(load_scenario(tiny_copy))
    async with first.run_test(size=SIZE) as pilot:
        await press(pilot, "n", "f", "f")  # iteration 1 done, iteration 2 two steps in
        editor = await start_edit(app=first, pilot=pilot, name="conv.bias[1]")
        await type_value(pilot, editor, "0.25")
        await press(pilot, "s")  # saved onto the copy: the file changes
        await pilot.pause()
        assert "saved to" in message(first)
        await press(pilot, "f")
        before, before_status = shown(first), status(first)
        [left] = journals(_own_state_dir)
        assert journal.read_journal(left)[0]["digest"] == journal.scenario_digest(load_scenario(tiny_copy))
    second = CnnTuiApp(load_scenario(tiny_copy))
    async with second.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(second.screen, RestoreScreen)
        await press(pilot, "r")
        await pilot.pause()
        assert shown(second) == before and status(second) == before_status
        assert "iteration 2" in status(second)


async def test_a_quiz_in_progress_is_resumed_with_its_score(app, _own_state_dir):
    async with app.run_test(size=SIZE) as pilot:
        box = await start_quiz(app, pilot)
        await answer(pilot, box, "0.51")
        await answer(pilot, box, "0.70")  # wrong: conv.net[0,1] is 0.53
        current = app.main.quiz_mode.quiz.current
    again = CnnTuiApp(load("tiny-cnn"))
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await press(pilot, "r")
        await pilot.pause()
        quiz = again.main.quiz_mode.quiz
        assert quiz is not None and quiz.current == current == "conv.net[1,0]"
        assert (quiz.right, quiz.asked, again.main.quiz_mode.number) == (1, 2, 3)
        assert "QUIZ 1/2 right" in status(again) and cell(again, current) == "?"
        assert "quiz resumed at 1/2 right" in message(again)
        box = again.query_one("#quiz-answer")
        assert again.focused is box
        await answer(pilot, box, "0.62")  # conv.net[1,0] goes on being scored
        assert quiz.asked == 3


async def test_an_unwritable_state_folder_costs_one_message(app, tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("XDG_STATE_HOME", str(blocker))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert "cannot create a recovery journal" in message(app) and "the session goes on" in message(app)
        await press(pilot, "f", "f")
        assert "forward 3/4: fc" in status(app)


async def test_training_leaves_one_result_in_the_journal_and_it_restores_bit_exact(tiny_copy, _own_state_dir):
    import time

    import numpy as np
    from test_training_ui import key, train, wait_for_training

    first = CnnTuiApp(load_scenario(tiny_copy))
    async with first.run_test(size=SIZE) as pilot:
        await press(pilot, "f")
        await train(pilot, "1000000", "iterations")
        labels: set[str] = set()
        end = time.monotonic() + 30
        while len(labels) < 3 and time.monotonic() < end:  # the panels showed two snapshots or more
            labels.add(first.stepper.undo_label or "")
            await pilot.pause(0.05)
        assert len(labels) >= 3
        await key(pilot, "escape")
        await wait_for_training(pilot)
        trained = {f"{layer}.{k}": v.copy() for layer, ps in first.stepper.params.items() for k, v in ps.items()}
        iteration, label = first.stepper.iteration, first.stepper.undo_label
        [left] = journals(_own_state_dir)
        ops = [e["op"] for e in journal.read_journal(left)[1]]
        assert ops == ["step_forward", "adopt"]  # each snapshot replaced the one before
    second = CnnTuiApp(load_scenario(tiny_copy))
    async with second.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await press(pilot, "r")
        await pilot.pause()
        got = {f"{layer}.{k}": v for layer, ps in second.stepper.params.items() for k, v in ps.items()}
        assert got.keys() == trained.keys()
        assert all(np.array_equal(got[n], trained[n]) and got[n].tobytes() == trained[n].tobytes() for n in got)
        assert second.stepper.iteration == iteration and second.stepper.undo_label == label
        await press(pilot, "z")  # undoes the whole training, back to iteration 1 one step in
        assert "iteration 1" in status(second) and "forward 2/4: pool" in status(second)


async def test_opening_a_scenario_offers_its_journal_and_ends_the_old_one(tiny_copy, tmp_path, _own_state_dir):
    import shutil

    from core.scenario.catalog import bundled_dir

    other = tmp_path / "xor.yaml"
    shutil.copy(bundled_dir() / "xor-tanh.yaml", other)
    left = CnnTuiApp(load_scenario(other))
    async with left.run_test(size=SIZE) as pilot:
        await press(pilot, "f", "f")  # xor-tanh: both layers forward, the loss computed
    app = CnnTuiApp(load_scenario(tiny_copy))
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "f")
        mine = set(journals(_own_state_dir))
        await app.main.replace_session(load_scenario(other))  # what o does once the file is read
        await pilot.pause()
        assert isinstance(app.screen, RestoreScreen)
        await press(pilot, "r")
        await pilot.pause()
        assert "backward 1/2" in status(app) and "xor" in status(app)
        assert not mine & set(journals(_own_state_dir))  # the tiny-cnn journal ended, the restored one too
        assert len(journals(_own_state_dir)) == 1  # the xor session now journals afresh


async def test_the_restore_dialog_wraps_at_80_columns(app, _own_state_dir):
    from test_dialogs_narrow import NARROW, labels_fit
    from textual.widgets import Button

    async with app.run_test(size=NARROW) as pilot:
        await press(pilot, "f")
    again = CnnTuiApp(load("tiny-cnn"))
    async with again.run_test(size=NARROW) as pilot:
        await pilot.pause()
        assert isinstance(again.screen, RestoreScreen)
        labels_fit(again.screen)
        dialog = again.screen.query_one(".dialog")
        for button in again.screen.query(Button):  # both answers on screen, inside the dialog
            assert dialog.region.contains_region(button.region), button.label
        await pilot.click("#yes")
        await pilot.pause()
        assert "forward 2/4: pool" in status(again)


async def test_a_name_with_markup_shows_literally_in_the_restore_dialog(tmp_path, _own_state_dir):
    """A journal left by a scenario named like markup must not crash every later launch."""
    from core.scenario.catalog import bundled_dir

    source = (bundled_dir() / "tiny-cnn.yaml").read_text(encoding="utf-8")
    path = tmp_path / "evil.yaml"
    path.write_text(source.replace("name: ", "name: 'evil [/] [@click=app.quit] name' #", 1), encoding="utf-8")
    first = CnnTuiApp(load(str(path)))
    async with first.run_test(size=SIZE) as pilot:
        await press(pilot, "f")
    again = CnnTuiApp(load(str(path)))
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(again.screen, RestoreScreen)
        assert "evil [/] [@click=app.quit] name" in str(again.screen.query_one(".hint").render())
        await press(pilot, "r")
        await pilot.pause()
        assert again.is_running and "forward 2/4" in status(again)


async def test_discarding_the_newest_session_keeps_an_older_one_on_disk(app, _own_state_dir):
    """Two sessions left behind: a choice about the newest never deletes the other's work."""
    import os
    import shutil

    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "f")
    folder = journal.state_dir()
    (older,) = folder.glob("*.journal")
    newer = older.with_name(older.name.replace(".journal", "9.journal"))  # another process's name
    shutil.copy(older, newer)
    os.utime(older, (older.stat().st_mtime - 60,) * 2)
    again = CnnTuiApp(load("tiny-cnn"))
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(again.screen, RestoreScreen)
        await press(pilot, "d")
        await pilot.pause()
        assert "discarded the unsaved session" in message(again) and "1 older one kept" in message(again)
    assert not newer.exists() and not older.exists()
    (kept,) = folder.glob("*.stale")
    assert kept.name == older.name + ".stale" and journal.read_journal(kept)[1]  # its changes are still there
