"""The app's heatmap, chart and training keys (a mixin of ``CnnTuiApp``).

Kept apart from ``tui/app.py`` so the stepping code stays short: ``h`` switches the
focused panel between numbers and heatmaps, ``c`` shows or hides the loss chart, ``t``
trains in a background thread and ``escape`` stops it at an iteration boundary.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING

from rich.text import Text
from textual.widget import Widget

from core.engine.training import Trainer, evaluate
from core.errors import TrainingDiverged
from core.numbers import fmt
from tui.widgets.layer_panel import LayerPanel
from tui.widgets.loss_chart import TrainingLog, TrainPanel, percent, progress_text

if TYPE_CHECKING:
    from tui.app import CnnTuiApp

TICK = 0.1  # seconds between progress updates while training
CHART_EVERY = 0.25  # … between redraws of the loss chart
PANELS_EVERY = 0.5  # … between redraws of the layer panels with the parameters so far
SWITCH_INTERVAL = 0.001  # seconds: how long the UI thread may wait for the GIL while training
WORK_SLICE = 0.02  # the worker rests REST seconds after every WORK_SLICE seconds of work
REST = 0.002

# keys that change the stepper: while training runs they explain instead of acting
BLOCKED_WHILE_TRAINING = frozenset({
    "step_forward", "forward_all", "step_backward", "backward_all", "update", "step_next",
    "run_iteration", "undo", "reset", "open", "save", "save_as", "train", "edit",
})
TRAINING_BUSY = "training — press escape to stop"


class HeatTrainTools:
    """Mixed into the app (heatmap toggle, loss chart, training); the quiz has its own mixin."""

    # --- heatmaps ---------------------------------------------------------------
    def focused_panel(self: CnnTuiApp) -> LayerPanel | None:
        node: Widget | None = self.focused
        while node is not None and not isinstance(node, LayerPanel):
            node = node.parent if isinstance(node.parent, Widget) else None
        return node

    def action_toggle_heatmap(self: CnnTuiApp) -> None:
        panel = self.focused_panel()
        if panel is None:
            self.say("h switches the focused panel between numbers and a heatmap: move into a panel first",
                     error=True)
            return
        name = self.selected
        panel.set_mode("numbers" if panel.mode == "heatmap" else "heatmap")
        self.refresh_view()
        view = panel.view
        if not (name and view.select(name)):
            view.select(panel.grid.rows[0].cells[0].name if panel.grid.rows and panel.grid.rows[0].cells
                        else "")
        view.focus()
        if panel.mode == "heatmap":
            self.say(f"{panel.key}: heatmap (blue < 0 < red; arrows move over single values; h: numbers)")
        else:
            cut = name and not panel.grid.locate(name)
            self.say(f"{panel.key}: numbers (h: heatmap)"
                     + (f" — {name} is beyond the first {8}×{8} shown" if cut else ""))

    # --- loss chart ---------------------------------------------------------------
    @property
    def train_panel(self: CnnTuiApp) -> TrainPanel:
        return self.query_one(TrainPanel)

    @property
    def training_log(self) -> TrainingLog:
        log = getattr(self, "_training_log", None)
        if log is None:
            log = self._training_log = TrainingLog()
        return log

    @property
    def training(self) -> bool:
        """Is a training run going on (until its result is adopted)?"""
        return getattr(self, "_run", None) is not None

    def training_blocks(self: CnnTuiApp, action: str, say: bool = True) -> bool:
        """True (and the reason said) when ``action`` must wait for training to end."""
        if not (self.training and action in BLOCKED_WHILE_TRAINING):
            return False
        if say:
            self.say(TRAINING_BUSY, error=True)
        return True

    def action_toggle_chart(self: CnnTuiApp) -> None:
        panel = self.train_panel
        panel.display = not panel.display
        if panel.display:
            self.call_after_refresh(panel.show_log, self.training_log)
        self.say("training panel shown (c hides it)" if panel.display else "training panel hidden (c shows it)")

    # --- training -----------------------------------------------------------------
    def action_train(self: CnnTuiApp) -> None:
        if self.training_blocks("train"):
            return
        from tui.screens.train_screen import TrainScreen

        scenario = self.stepper.scenario
        per_epoch = -(-len(self.stepper.state.samples) // scenario.batch_size)
        unit, count = ("epochs", 10) if per_epoch > 1 else ("iterations", 100)
        unit, count = getattr(self, "_last_training", (unit, count))
        test = scenario.test_samples
        self.push_screen(TrainScreen(unit, count, per_epoch, len(test) if test is not None else None),
                         self.start_training)

    def start_training(self: CnnTuiApp, choice: tuple[str, int] | None) -> None:
        if choice is None:
            self.say("training cancelled")
            return
        unit, count = choice
        self._last_training = choice
        params, iteration = self.stepper.training_start()
        scenario = self.stepper.scenario.copy()
        scenario.samples = self.stepper.state.samples
        trainer = Trainer(scenario, params, iteration, self.stepper.training_state())
        total = count * (trainer.iterations_per_epoch if unit == "epochs" else 1)
        run = TrainingRun(trainer, unit, count, total)
        self._run = run
        self.training_log.unit = unit
        self.train_panel.display = True
        self._train_timer = self.set_interval(TICK, self._training_tick)
        # The worker holds the GIL between NumPy calls: a short switch interval lets the UI
        # thread take it back quickly (5 ms by default, paid at every turn of the event loop).
        self._switch_interval = sys.getswitchinterval()
        sys.setswitchinterval(SWITCH_INTERVAL)
        self.refresh_bindings()
        self.run_worker(partial(_train_loop, run, self.training_log), thread=True, exclusive=True,
                        group="train", name="train", exit_on_error=False)
        what = f"{count:,} {unit[:-1] if count == 1 else unit}"
        if unit == "epochs":
            what += f" ({total:,} iteration{'s' if total != 1 else ''})"
        self.say(f"training {what} — escape stops; the panels follow every half second")

    def action_stop_training(self: CnnTuiApp) -> None:
        run: TrainingRun | None = getattr(self, "_run", None)
        if run is None:
            self.say("nothing is training (t trains)")
            return
        run.stop = True  # the worker ends after the iteration it is in
        self.say("stopping at the end of this iteration…")
        self._training_tick()

    def _training_tick(self: CnnTuiApp) -> None:
        """On the UI thread, every TICK seconds: progress, chart and (less often) panels."""
        run: TrainingRun | None = getattr(self, "_run", None)
        if run is None:
            return
        panel = self.train_panel
        panel.show_progress(progress_text(f"training {run.count:,} {run.unit}", run.done, run.total,
                                          run.started, run.stop))
        now = time.monotonic()
        if now - run.shown_chart >= CHART_EVERY:
            run.shown_chart = now
            panel.show_log(self.training_log)
        snap = run.snapshot
        if snap is not None and snap is not run.shown_snapshot and now - run.shown_panels >= PANELS_EVERY:
            run.shown_panels = now
            run.shown_snapshot = snap
            self._show_trained(run, *snap)

    def _show_trained(self: CnnTuiApp, run: TrainingRun, params, iteration: int, done: int,
                      optimizer_state=None) -> None:
        """The stepper continues from the trained parameters; one undo step returns to before."""
        if run.adopted:
            self.stepper.undo()  # the previous snapshot: keep exactly one undo step for the run
        self.stepper.adopt(params, iteration, label=f"training {done:,} iteration{'s' if done != 1 else ''}",
                           optimizer_state=optimizer_state)
        run.adopted = True
        self.fresh = set()
        self.refresh_view()

    def on_worker_state_changed(self: CnnTuiApp, event) -> None:
        from textual.worker import WorkerState

        if event.worker.group != "train" or event.state not in (WorkerState.SUCCESS, WorkerState.ERROR,
                                                                 WorkerState.CANCELLED):
            return
        run: TrainingRun | None = getattr(self, "_run", None)
        if run is None:
            return
        self._train_timer.stop()
        sys.setswitchinterval(getattr(self, "_switch_interval", 0.005))
        error = run.error or event.worker.error
        if run.final is not None and run.final[2] > 0:
            self._show_trained(run, *run.final)
        self._run = None
        self.refresh_bindings()
        log = self.training_log
        secs = time.monotonic() - run.started
        self.train_panel.show_log(log)
        self.train_panel.show_progress(_done_text(run, secs))
        if error is not None:
            self.say(_failure_text(error, run.done), error=True)
            return
        if run.done == 0:
            self.say("training stopped before the first iteration finished: nothing changed")
            return
        what = f"{run.done:,} iteration{'s' if run.done != 1 else ''}"
        result = f"{'stopped after' if run.done < run.total else 'trained'} {what} in {secs:.1f} s: " \
                 f"last loss {fmt(run.last_loss, 3)}"
        if log.held_out is not None:
            result += f" · held-out accuracy {percent(log.held_out)}"
        self.say(f"{result} · now at iteration {self.stepper.iteration} · z undoes the training")


@dataclass
class TrainingRun:
    """One training run, shared by the worker thread and the UI (plain attributes only)."""

    trainer: Trainer
    unit: str
    count: int
    total: int
    done: int = 0
    stop: bool = False
    last_loss: float = float("nan")
    error: BaseException | None = None
    snapshot: tuple | None = None  # (params copy, next iteration, iterations done, optimizer state), by the worker
    final: tuple | None = None
    adopted: bool = False
    started: float = field(default_factory=time.monotonic)
    shown_chart: float = 0.0
    shown_panels: float = 0.0
    shown_snapshot: tuple | None = None


def _failure_text(error: BaseException, done: int) -> str:
    """Why training ended early: where it diverged and what to try, or the error."""
    if isinstance(error, TrainingDiverged):
        kept = f"kept the {done:,} iterations before it (z undoes them)" if done else "nothing changed"
        return f"{error} · {kept}"
    return f"training failed after {done:,} iterations: {error}"


def _done_text(run: TrainingRun, secs: float) -> Text:
    out = Text(no_wrap=True, overflow="ellipsis")
    verb = "stopped" if run.done < run.total else "done"
    out.append(f"{verb}: {run.done:,}/{run.total:,} iterations in {secs:.1f} s", style="bold")
    out.append("  ·  t trains more  ·  z undoes  ·  c hides this panel", style="dim")
    return out


def _train_loop(run: TrainingRun, log: TrainingLog) -> None:
    """The worker (a thread): iterations until done or stopped; never touches a widget.

    The UI polls ``run`` and ``log``; stopping is a flag checked between iterations, so
    the parameters always stand at an iteration boundary.
    """
    from textual.worker import get_current_worker

    worker = get_current_worker()
    trainer = run.trainer
    scenario = trainer.scenario
    per_epoch = trainer.iterations_per_epoch
    epoch_losses: list[float] = []
    published = rested = time.monotonic()
    try:
        while run.done < run.total and not run.stop and not worker.is_cancelled:
            loss = trainer.step()
            run.last_loss = loss
            log.losses.append(loss)
            epoch_losses.append(loss)
            run.done += 1
            if run.unit == "epochs" and len(epoch_losses) == per_epoch:
                stats = trainer.finish_epoch(len(log.epochs) + 1, epoch_losses)
                log.epochs.append(stats)
                if stats.test_accuracy is not None:
                    log.held_out, log.held_out_loss = stats.test_accuracy, stats.test_loss
                epoch_losses = []
            now = time.monotonic()
            if now - published >= PANELS_EVERY:
                published = now
                run.snapshot = (trainer.params, trainer.iteration, run.done, trainer.optimizer_state)
            if now - rested >= WORK_SLICE:  # leave the UI thread a moment with the GIL
                time.sleep(REST)
                rested = time.monotonic()
        if run.done and scenario.test_samples is not None and (run.unit != "epochs" or epoch_losses):
            log.held_out_loss, log.held_out = evaluate(scenario, trainer.params, scenario.test_samples)
        run.final = (trainer.params, trainer.iteration, run.done, trainer.optimizer_state)
    except Exception as err:  # shown by the app; never lets the worker end the app
        run.error = err
        run.final = (trainer.params, trainer.iteration, run.done, trainer.optimizer_state)
