"""Words on screen say what happened: one decimal, unsaved (not edited) after stepping into
iteration 2, what undoing the step into an iteration leaves, a pool's output."""

from __future__ import annotations

from tui_helpers import SIZE, derivation, message, press, status


async def test_one_decimal_is_singular(app):
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "minus", "minus")
        assert message(app) == "showing 1 decimal"
        assert app.main.query_one("#derivation").border_subtitle.startswith("1 decimal (+/−")
        await press(pilot, "minus")
        assert message(app) == "showing 0 decimals"


async def test_stepping_into_iteration_2_is_unsaved_not_edited(app):
    async with app.run_test(size=(80, 24)) as pilot:
        assert "[unsaved]" not in status(app)
        await press(pilot, "n")
        assert "[unsaved]" not in status(app)
        await press(pilot, "f")  # iteration 2: the updated weights are not in the file
        assert "[unsaved]" in status(app) and "[edited]" not in status(app)
        assert status(app).index("[unsaved]") < status(app).index("loss")  # before anything 80 columns cut


async def test_undoing_the_step_into_the_next_iteration_says_where_it_stands(app):
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "n")
        assert message(app).endswith("· iteration 1 is updated · f or space: next iteration")
        assert "next: updated" not in message(app)
        await press(pilot, "f", "z")
        said = message(app)
        assert said == "undid the step into the next iteration · iteration 1 is updated · f or space: next iteration"
        await press(pilot, "b")  # the backward pass is done: what comes next is named as a step
        assert message(app).startswith("the backward pass is complete (next: the next iteration's forward pass)")


async def test_a_pools_output_is_not_called_activated(app):
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "F")
        app.main.select("pool.out[0,0]")
        await pilot.pause()
        text = derivation(app)
        assert text.startswith("pool.out[0,0] — output of pool") and "activation applied" not in text
        assert "(window offset 1)" in text  # 1-D: the place in the window
        app.main.select("fc.out[0]")
        await pilot.pause()
        assert derivation(app).startswith("fc.out[0] — output (activation applied) of fc")


async def test_j_says_what_it_did_so_no_stale_error_stays(app):
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "j")  # nothing to expand yet: an error
        assert app.main.query_one("#message").has_class("error")
        await press(pilot, "F", "b", "j")
        assert message(app) == "the Jacobian derivation of out.delta[0] is shown (j hides it)"
        assert not app.main.query_one("#message").has_class("error")
        await press(pilot, "j")
        assert message(app) == "the Jacobian derivation is hidden (j shows it)"
