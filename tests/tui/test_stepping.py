"""Every stepping key on tiny-cnn, with the notes' numbers on screen."""

from __future__ import annotations

from tui_helpers import SIZE, cell, cell_state, derivation, message, press, status

from tui.widgets.key_bar import KeyBar


async def test_loaded_screen_shows_placeholders_and_status(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert [p.key for p in app.main.panels] == ["input", "conv", "pool", "fc", "out", "loss"]
        assert "tiny-cnn" in status(app) and "iteration 1" in status(app)
        assert "forward 1/4: conv" in status(app) and "α 0.5" in status(app)
        assert cell(app, "conv.weight[0,0,2]") == "0.300"
        assert cell(app, "conv.out[0,0]") == "·"
        assert cell(app, "loss") == "·"
        assert cell(app, "target[0]") == "1.000"


async def test_f_steps_one_layer_and_highlights_it(app):
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "f")
        assert cell(app, "conv.out[0,0]") == "0.625✓"
        assert cell_state(app, "conv.out[0,0]") == "fresh"
        assert cell(app, "pool.out[0,0]") == "·"
        assert "forward 2/4: pool" in status(app)
        assert app.main.selected == "conv.out[0,0]"
        assert "σ(z_conv[0,0])" in derivation(app)
        await press(pilot, "f")
        assert cell_state(app, "conv.out[0,0]") == "plain"
        assert cell(app, "pool.out[0,0]") == "0.629"


async def test_whole_passes_and_update_show_the_notes_numbers(app):
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "F")
        assert cell(app, "out.out[0]") == "0.706✓"
        assert "loss 0.347" in status(app)
        assert "backward 1/4: out" in status(app)
        await press(pilot, "B")
        assert cell(app, "out.delta[0]") == "−0.294✓"
        assert cell(app, "fc.delta[0]") == "−0.014✗"
        assert "update" in status(app)
        await press(pilot, "u")
        assert cell(app, "out.new_weight[0,0]") == "0.189✓"
        assert "updated" in status(app)
        app.main.select("out.new_weight[0,0]")
        await pilot.pause()
        assert "w′_out[0,0] = w_out[0,0] − α·δ_out[0]·a_fc[0]" in derivation(app)
        assert "= 0.1 − 0.5·(−0.294)·0.608" in derivation(app)
        assert "= 0.189" in derivation(app)


async def test_update_selects_the_new_value_of_the_selected_weight(app):
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "F", "B")
        app.main.select("out.weight[0,0]")
        await press(pilot, "u")
        assert app.main.selected == "out.new_weight[0,0]"
        assert cell_state(app, "out.new_weight[0,0]") == "fresh"
        await press(pilot, "z", "u")  # undo and redo the update
        await press(pilot, "f")  # next iteration: the new weights become the weights
        assert cell(app, "out.weight[0,0]") == "0.189"
        assert cell_state(app, "out.weight[0,0]") == "fresh"
        assert "iteration 2" in status(app)


async def test_b_steps_back_one_layer(app):
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "F", "b")
        assert cell(app, "out.delta[0]") == "−0.294✓"
        assert cell(app, "fc.delta[0]") == "·"
        assert app.main.selected == "out.delta[0]"
        assert "backward 2/4: fc" in status(app)


async def test_space_walks_the_whole_iteration(app):
    async with app.run_test(size=SIZE) as pilot:
        seen = []
        for _ in range(9):
            await press(pilot, "space")
            seen.append(app.stepper.phase().describe())
        assert seen[3] == "backward 1/4: out"
        assert seen[7] == "update"
        assert seen[8] == "updated"


async def test_n_runs_a_whole_iteration(app):
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "n")
        assert app.stepper.phase().stage == "done"
        assert cell(app, "fc.new_bias[0]") == "0.307✗"
        await press(pilot, "n")
        assert app.stepper.iteration == 2 and app.stepper.phase().stage == "done"


async def test_undo(app):
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "f", "z")
        assert cell(app, "conv.out[0,0]") == "·"
        assert "undid forward conv" in message(app)
        await press(pilot, "z")
        assert "nothing to undo" in message(app)


async def test_reset_asks_first_when_edited(app):
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "n", "n")  # iteration 2: the weights differ from the file
        assert app.stepper.edited
        await press(pilot, "r")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "ConfirmScreen"
        await press(pilot, "n")
        assert app.stepper.iteration == 2
        await press(pilot, "r")
        await pilot.pause()
        await press(pilot, "y")
        await pilot.pause()
        assert app.stepper.iteration == 1 and cell(app, "conv.out[0,0]") == "·"


async def test_reset_without_edits_needs_no_confirm(app):
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "F", "r")
        assert cell(app, "out.out[0]") == "·"
        assert "reset" in message(app)


async def test_keys_in_the_wrong_phase_say_why(app):
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "b")
        assert "finish the forward pass first" in message(app)
        assert app.query_one("#message").has_class("error")
        await press(pilot, "B")
        assert "finish the forward pass first" in message(app)
        await press(pilot, "u")
        assert "cannot update" in message(app)
        await press(pilot, "F", "f")
        assert "the forward pass is complete" in message(app)
        await press(pilot, "F")
        assert "the forward pass is complete" in message(app)
        await press(pilot, "B", "b")
        assert "backward pass is complete" in message(app)


async def test_key_bar_shows_only_keys_that_apply(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        active = app.screen.active_bindings
        assert "f" in active and "b" not in active and "u" not in active and "z" not in active
        bar = app.query_one(KeyBar).text
        assert " f forward " in bar and " space next " in bar and " q quit " in bar and "^p palette" in bar
        assert "backward" not in bar and "undo" not in bar and "stop" not in bar
        await press(pilot, "F")
        await pilot.pause()
        active = app.screen.active_bindings
        assert "b" in active and "f" not in active and "z" in active
        bar = app.query_one(KeyBar).text
        assert " b backward " in bar and " z undo " in bar and " f forward " not in bar


async def test_key_bar_click_presses_the_key(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        bar = app.query_one(KeyBar)
        x = bar.text.index(" f forward ") + 1
        await pilot.click(KeyBar, offset=(x, 0))
        await pilot.pause()
        assert status(app).startswith("forward 2/4")


async def test_help_opens_and_closes(app):
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "question_mark")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "HelpScreen"
        await press(pilot, "escape")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "MainScreen"


async def test_quit_without_edits(app):
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "q")
        await pilot.pause()
    assert app.return_code == 0


async def test_quit_with_edits_asks_first(app):
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "n", "n")
        await press(pilot, "q")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "ConfirmScreen"
        await press(pilot, "n")
        await pilot.pause()
        assert app.is_running and app.screen.__class__.__name__ == "MainScreen"
        await press(pilot, "q")
        await pilot.pause()
        await press(pilot, "y")
        await pilot.pause()
    assert app.return_code == 0


async def test_palette_offers_every_action(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for words in ("Forward one layer (f)", "The whole backward pass (B)", "Update every weight",
                      "Save the scenario to a new file (S)", "Open another scenario (o)", "Undo"):
            assert any(t.startswith(words) for t in titles), words
        command = next(c for c in app.get_system_commands(app.screen) if c.title.startswith("Backward one"))
        command.callback()
        await pilot.pause()
        assert "finish the forward pass first" in message(app)


async def test_update_message_shows_old_to_new(app):
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "F", "B", "u")
        assert "out.weight[0,0] 0.100 → 0.189" in message(app)
        assert cell_state(app, "out.new_weight[0,0]") == "fresh"
        await press(pilot, "plus")
        assert cell_state(app, "out.new_weight[0,0]") == "fresh"


async def test_a_narrow_key_bar_keeps_help_and_quit():
    """Found driving the app at 80×24: the key bar cut ? help and q quit off the right."""
    from core.scenario.catalog import load
    from tui.app import CnnTuiApp
    from tui.widgets.key_bar import KeyBar

    app = CnnTuiApp(load("tiny-cnn"))
    async with app.run_test(size=(60, 24)) as pilot:
        await pilot.pause()
        text = app.query_one(KeyBar).text
        assert "? help" in text and "q quit" in text and "^p palette" in text
