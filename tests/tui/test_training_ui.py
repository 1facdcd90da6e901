"""Training in the TUI: t asks how much, trains in a thread, escape stops, z undoes it all."""

from __future__ import annotations

import time

import numpy as np
from tui_helpers import SIZE, message, press, status

from core.scenario.catalog import load
from tui.app import CnnTuiApp


async def wait_for_training(pilot, timeout: float = 20.0) -> None:
    app = pilot.app
    end = time.monotonic() + timeout
    while app.main.training.running and time.monotonic() < end:
        await pilot.pause(0.05)
    assert not app.main.training.running, "training did not finish"
    await pilot.pause()


async def train(pilot, count: str, unit: str | None = None) -> None:
    await pilot.press("t")
    await pilot.pause()
    screen = pilot.app.screen
    if unit is not None:
        screen.unit = unit
    box = screen.query_one("#train-count")
    box.value = count
    await pilot.press("enter")
    await pilot.pause()


def params_of(app: CnnTuiApp) -> dict:
    return {layer: {k: v.copy() for k, v in ps.items()} for layer, ps in app.stepper.params.items()}


def same(a: dict, b: dict) -> bool:
    return all(np.array_equal(a[layer][k], b[layer][k]) for layer in a for k in a[layer])


async def test_t_trains_iterations_and_z_undoes_it(app):
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "F")  # partway through iteration 1: training redoes it
        before, it = params_of(app), app.stepper.iteration
        await train(pilot, "20", "iterations")
        await wait_for_training(pilot)
        assert app.stepper.iteration == it + 20
        assert "iteration 21" in status(app) and "forward 1/4" in status(app)
        assert not same(before, params_of(app))
        assert "trained 20 iterations" in message(app)
        assert len(app.main.training.log.losses) == 20
        losses = app.main.training.log.losses
        assert losses[-1] < losses[0]
        assert "loss per iteration" in app.main.training.panel.summary
        await press(pilot, "z")
        assert app.stepper.iteration == it and same(before, params_of(app))
        assert "undid training 20 iterations" in message(app)


async def key(pilot, name: str) -> float:
    """Press a key while training runs (Pilot's press waits for an idle app, which a running
    timer never is) and wait until the app has handled it; returns how long that took
    (for information only: tests assert behaviour, never timings)."""
    app = pilot.app
    before = (message(app), app.main.selected)
    start = time.monotonic()
    app.simulate_key(name)
    while (message(app), app.main.selected) == before and time.monotonic() - start < 20:
        await pilot.pause(0.005)
    return time.monotonic() - start


async def test_escape_stops_at_an_iteration_boundary_and_keys_say_why():
    app = CnnTuiApp(load("x-vs-o"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await train(pilot, "1000000", "iterations")
        assert app.main.training.running
        await key(pilot, "f")
        assert "training — press escape to stop" in message(app)
        app.main.say("")
        await key(pilot, "z")
        assert "training — press escape to stop" in message(app)
        app.main.select("conv.weight[0,0,0,0]")
        for i in range(5):  # the keyboard is handled while training runs
            await key(pilot, "right" if i % 2 == 0 else "left")
        assert app.main.selected == "conv.weight[0,0,0,1]"
        assert app.main.training.running
        await pilot.pause(0.2)
        await key(pilot, "escape")
        await wait_for_training(pilot)
        done = app.stepper.iteration - 1
        assert 0 < done < 1_000_000
        assert len(app.main.training.log.losses) == done
        assert app.stepper.phase().describe().startswith("forward 1/")
        assert all(np.isfinite(v).all() for ps in app.stepper.params.values() for v in ps.values())
        assert f"stopped after {done:,} iterations" in message(app)
        await press(pilot, "f")  # stepping works again
        assert app.stepper.phase().describe().startswith("forward 2/")


async def test_cancelled_dialog_changes_nothing(app):
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "t")
        await pilot.pause()
        await press(pilot, "escape")
        await pilot.pause()
        assert "training cancelled" in message(app)
        assert app.stepper.iteration == 1 and not app.stepper.can_undo


async def test_digits_reaches_high_held_out_accuracy():
    app = CnnTuiApp(load("digits"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await train(pilot, "3", "epochs")
        await wait_for_training(pilot, timeout=40)
        log = app.main.training.log
        assert len(log.epochs) == 3 and log.held_out is not None and log.held_out >= 0.90
        summary = app.main.training.panel.summary
        assert f"held-out accuracy {100 * log.held_out:.1f}%" in summary
        assert "held-out accuracy" in message(app)
        assert app.stepper.iteration == 1 + 3 * 180


async def test_c_toggles_the_chart(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert not app.main.training.panel.display
        await press(pilot, "c")
        assert app.main.training.panel.display and "nothing trained yet" in app.main.training.panel.summary
        await press(pilot, "c")
        assert not app.main.training.panel.display


async def test_training_that_diverges_stops_there_and_keeps_the_good_iterations():
    from fixtures.diverging import by_hand, diverging

    from core.engine.training import LOSS_LIMIT

    scenario = diverging(5.0)
    first_bad, history = by_hand(scenario, LOSS_LIMIT)
    app = CnnTuiApp(scenario)
    async with app.run_test(size=SIZE) as pilot:
        await train(pilot, "100000", "iterations")
        await wait_for_training(pilot)
        said = message(app)
        assert said.startswith(f"training diverged in epoch {(first_bad - 1) // 3 + 1} at iteration {first_bad}: "
                               "the loss reached ")
        assert f"kept the {first_bad - 1:,} iterations before it (z undoes them)" in said
        assert app.query_one("#message").has_class("error")
        assert app.stepper.iteration == first_bad  # the bad iteration's update was not applied
        params = np.append(app.stepper.params["fc"]["weight"][0], app.stepper.params["fc"]["bias"])
        np.testing.assert_allclose(params, history[-1], rtol=1e-12)
        await press(pilot, "z")
        assert app.stepper.iteration == 1
        await press(pilot, "f")  # the session goes on
        assert app.is_running


async def test_a_count_in_other_digits_is_refused_and_the_dialog_stays(app):
    from textual.widgets import Label

    async with app.run_test(size=SIZE) as pilot:
        before = params_of(app)
        await train(pilot, "١٢", "iterations")
        screen = pilot.app.screen
        assert screen.__class__.__name__ == "TrainScreen"  # still asking
        assert "ASCII digits" in str(screen.query_one("#train-error", Label).render())
        assert not app.main.training.running and same(before, params_of(app))


async def test_a_decimal_count_is_refused_not_read_as_another_number(app):
    """0.71 is not 71 iterations: the dialog says what it takes instead of dropping the point."""
    from textual.widgets import Label

    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("t")
        await pilot.pause()
        box = pilot.app.screen.query_one("#train-count")
        box.value = ""
        await pilot.press(*"0.71", "enter")
        await pilot.pause()
        assert pilot.app.screen.__class__.__name__ == "TrainScreen"
        assert "'0.71' is not a whole number" in str(pilot.app.screen.query_one("#train-error", Label).render())
        assert not app.main.training.running


def progress(app: CnnTuiApp) -> str:
    return app.main.training.panel.summary.split("\n")[0]


async def test_undoing_a_run_takes_it_out_of_the_chart(app):
    async with app.run_test(size=SIZE) as pilot:
        await train(pilot, "20", "iterations")
        await wait_for_training(pilot)
        await train(pilot, "30", "iterations")
        await wait_for_training(pilot)
        log = app.main.training.log
        assert len(log.losses) == 50 and log.runs == 2
        assert progress(app).startswith("done: 30/30 iterations")
        assert "· 50 iterations in 2 runs" in app.main.training.panel.summary
        first_run = list(log.losses[:20])
        await press(pilot, "z")  # undoes the second run
        assert app.stepper.iteration == 21
        assert log.losses == first_run and log.runs == 1
        assert progress(app).startswith("undid the training of 30 iterations: back at iteration 21")
        assert "done:" not in app.main.training.panel.summary
        assert "· 20 iterations" in app.main.training.panel.summary
        await press(pilot, "z")
        assert app.stepper.iteration == 1 and log.losses == [] and log.runs == 0
        assert progress(app).startswith("undid the training of 20 iterations: back at iteration 1")
        assert "nothing trained yet" in app.main.training.panel.summary
        assert "this run counts iterations" not in app.main.training.panel.summary  # no run left


async def test_an_epochs_run_undone_takes_its_epochs_and_held_out_accuracy_too():
    app = CnnTuiApp(load("digits"))
    async with app.run_test(size=SIZE) as pilot:
        await train(pilot, "1", "epochs")
        await wait_for_training(pilot)
        log = app.main.training.log
        per_epoch = app.main.training.panel.summary
        assert len(log.epochs) == 1 and log.held_out is not None and "held-out accuracy" in per_epoch
        assert len(log.losses) == app.stepper.iteration - 1  # one point per iteration trained
        await press(pilot, "z")
        assert log.losses == [] and log.epochs == [] and log.held_out is None
        assert "held-out accuracy" not in app.main.training.panel.summary


async def test_opening_another_scenario_starts_with_an_empty_chart(app):
    from textual.widgets import Input

    async with app.run_test(size=SIZE) as pilot:
        await train(pilot, "20", "iterations")
        await wait_for_training(pilot)
        assert app.main.training.panel.display
        await press(pilot, "o")  # trained: asks about the unsaved changes first
        await press(pilot, "y")
        await pilot.pause()
        app.screen.query_one("#open-path", Input).value = "xor-tanh"
        await press(pilot, "enter")
        for _ in range(10):
            await pilot.pause()
        assert app.stepper.scenario.name.startswith("xor-tanh")
        log = app.main.training.log
        assert log.losses == [] and log.runs == 0 and app.main.training.history == []
        assert not app.main.training.panel.display
        assert "nothing trained yet" in app.main.training.panel.summary and "done:" not in \
            app.main.training.panel.summary
        await press(pilot, "c")
        assert app.main.training.panel.display and "nothing trained yet" in app.main.training.panel.summary


async def test_digits_chart_counts_only_its_own_iterations_after_another_scenarios_run(app):
    """Issue 11: digits' chart plotted 1,540 points for 1,440 iterations (100 were tiny-cnn's)."""
    from textual.widgets import Input

    async with app.run_test(size=SIZE) as pilot:
        await train(pilot, "100", "iterations")
        await wait_for_training(pilot)
        await press(pilot, "o", "y")
        await pilot.pause()
        app.screen.query_one("#open-path", Input).value = "digits"
        await press(pilot, "enter")
        for _ in range(20):
            await pilot.pause()
        assert app.stepper.scenario.name.startswith("digits")
        await train(pilot, "1", "epochs")
        await wait_for_training(pilot)
        trained = app.stepper.iteration - 1
        log = app.main.training.log
        assert len(log.losses) == trained == app.main.training.history[-1].iterations
        assert f"· {trained:,} iterations" in app.main.training.panel.summary
        assert progress(app).startswith(f"done: {trained:,}/{trained:,} iterations")


async def test_opening_another_scenario_empties_the_chart_and_hides_the_panel(app):
    async with app.run_test(size=SIZE) as pilot:
        await train(pilot, "5", "iterations")
        await wait_for_training(pilot)
        panel = app.main.training.panel
        assert panel.display and "loss per iteration" in panel.summary
        await app.main.replace_session(load("xor-tanh"))
        await pilot.pause()
        assert app.main.training.panel is panel and not panel.display  # the same panel, emptied
        assert app.main.training.log.losses == []
        await press(pilot, "c")
        assert panel.display and "nothing trained yet" in panel.summary
