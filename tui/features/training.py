"""Training in the background (t), stopping it (escape) and the training panel (c).

The training runs in a thread worker that never touches a widget: it publishes into a
``TrainingRun`` and the ``TrainingLog``, which the UI polls every ``TICK`` seconds. The
stepper adopts the trained parameters as one undo step.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, ClassVar, NamedTuple, cast

import numpy as np
from rich.text import Text
from textual.timer import Timer
from textual.worker import Worker, WorkerState

from core.engine.scenario import epoch_length
from core.engine.stepper import State
from core.errors import TrainingDiverged
from core.i18n import tr, tr_n
from core.nn.optim import OptimizerState
from core.numbers import fmt
from tui.bindings import key_for
from tui.features.base import Feature
from tui.host import StepHost
from tui.problem import problem
from tui.widgets.training.training_log import TrainingLog, percent

if TYPE_CHECKING:  # the trainer is imported when training starts, the panel when first wanted (not for the first frame)
    from core.engine.training import Trainer
    from tui.widgets.training.loss_chart import TrainPanel

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

Params = dict[str, dict[str, np.ndarray]]
# (parameters, next iteration, iterations done, optimizer state, layers' state such as running statistics)
Snapshot = tuple[Params, int, int, OptimizerState, Params]


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
    snapshot: Snapshot | None = None  # published by the worker
    final: Snapshot | None = None
    adopted: bool = False
    started: float = field(default_factory=time.monotonic)
    shown_chart: float = 0.0
    shown_panels: float = 0.0
    shown_snapshot: Snapshot | None = None
    before: State | None = None  # the stepper's state when the run started: undoing the run returns to it
    log_sizes: tuple[int, int] = (0, 0)  # losses and epochs in the log before the run
    held_before: tuple[float | None, float | None] = (None, None)  # the held-out figures before it


class TrainedRun(NamedTuple):
    """A finished run whose parameters the stepper adopted: what undoing it takes out of the log."""

    before: State
    log_sizes: tuple[int, int]
    held_before: tuple[float | None, float | None]
    iterations: int


class TrainingFeature(Feature):
    """t trains, escape stops, c shows or hides the training panel."""

    ACTIONS: ClassVar[frozenset[str]] = frozenset({"train", "stop_training", "toggle_chart"})

    def __init__(self, host: StepHost) -> None:
        super().__init__(host)
        self.log = TrainingLog()
        self.run: TrainingRun | None = None
        self.last_choice: tuple[str, int] | None = None
        self.history: list[TrainedRun] = []  # the runs of this scenario still in the stepper's history
        self._timer: Timer | None = None
        self._switch_interval = sys.getswitchinterval()

    @property
    def running(self) -> bool:
        """Is a training run going on (until its result is adopted)?"""
        return self.run is not None

    @property
    def panel(self) -> TrainPanel:
        """The training panel, mounted under the layer panels the first time it is wanted
        (the first frame does without it: it is hidden until training starts or c)."""
        panel = self._mounted_panel()
        if panel is None:
            from tui.widgets.training.loss_chart import TrainPanel

            panel = TrainPanel()
            self.host.mount(panel, after="#panels")
        return panel

    def _mounted_panel(self) -> TrainPanel | None:
        found = self.host.query("#train-panel")  # by its id: its module is imported when it is first made
        return cast("TrainPanel", found.first()) if found else None

    def available(self, action: str) -> bool:
        return self.running if action == "stop_training" else True

    def blocks(self, action: str) -> str | None:
        if self.running and action in BLOCKED_WHILE_TRAINING:
            return tr("training — press {key} to stop", key=key_for("stop_training"))
        return None

    def action_toggle_chart(self) -> None:
        panel = self.panel
        panel.display = not panel.display
        if panel.display:
            self.host.call_after_refresh(panel.show_log, self.log)
        key = key_for("toggle_chart")
        self.host.say(tr("training panel shown ({key} hides it)", key=key) if panel.display
                      else tr("training panel hidden ({key} shows it)", key=key))

    def action_train(self) -> None:
        from tui.screens.train_screen import TrainScreen

        st = self.host.stepper
        scenario = st.scenario
        per_epoch = epoch_length(len(st.state.samples), scenario.batch_size)
        unit, count = ("epochs", 10) if per_epoch > 1 else ("iterations", 100)
        unit, count = self.last_choice or (unit, count)
        test = scenario.test_samples
        self.host.ask(TrainScreen(unit, count, per_epoch, len(test) if test is not None else None), self.start)

    def start(self, choice: tuple[str, int] | None) -> None:
        host = self.host
        if choice is None:
            host.say(tr("training cancelled"))
            return
        if self.running:  # a second dialog answered while the first run goes on
            return
        unit, count = choice
        self.last_choice = choice
        params, iteration = host.stepper.training_start()
        scenario = host.stepper.scenario.copy()
        scenario.samples = host.stepper.state.samples
        from core.engine.training import Trainer

        trainer = Trainer(scenario, params, iteration, host.stepper.training_state(),
                          host.stepper.training_layer_state())
        total = count * (trainer.iterations_per_epoch if unit == "epochs" else 1)
        log = self.log
        run = TrainingRun(trainer, unit, count, total, before=host.stepper.state,
                          log_sizes=(len(log.losses), len(log.epochs)), held_before=(log.held_out, log.held_out_loss))
        self.run = run
        self.log.unit = unit
        self.panel.display = True
        self._timer = host.set_interval(TICK, self._tick)
        # The worker holds the GIL between NumPy calls: a short switch interval lets the UI
        # thread take it back quickly (5 ms by default, paid at every turn of the event loop).
        self._switch_interval = sys.getswitchinterval()
        sys.setswitchinterval(SWITCH_INTERVAL)
        host.refresh_bindings()
        host.run_worker(partial(_train_loop, run, self.log), thread=True, exclusive=True,
                        group="train", name="train", exit_on_error=False)
        if unit == "epochs":
            what = tr_n("{n:,} epoch", "{n:,} epochs", count) + tr_n(" ({n:,} iteration)", " ({n:,} iterations)",
                                                                      total)
        else:
            what = _iterations(count)
        host.say(tr("training {what} — {key} stops; the panels follow every half second", what=what,
                    key=key_for("stop_training")))

    def action_stop_training(self) -> None:
        run = self.run
        if run is None:
            self.host.say(tr("nothing is training ({key} trains)", key=key_for("train")))
            return
        run.stop = True  # the worker ends after the iteration it is in
        self.host.say(tr("stopping at the end of this iteration…"))
        self._tick()

    def _tick(self) -> None:
        """On the UI thread, every TICK seconds: progress, chart and (less often) panels."""
        run = self.run
        if run is None:
            return
        panel = self.panel
        from tui.widgets.training.loss_chart import progress_text

        label = (tr("training {n:,} epochs", n=run.count) if run.unit == "epochs"
                 else tr("training {n:,} iterations", n=run.count))
        panel.show_progress(progress_text(label, run.done, run.total, run.started, run.stop))
        now = time.monotonic()
        if now - run.shown_chart >= CHART_EVERY:
            run.shown_chart = now
            panel.show_log(self.log)
        snap = run.snapshot
        if snap is not None and snap is not run.shown_snapshot and now - run.shown_panels >= PANELS_EVERY:
            run.shown_panels = now
            run.shown_snapshot = snap
            self._show_trained(run, *snap)

    def _show_trained(self, run: TrainingRun, params: Params, iteration: int, done: int,
                      optimizer_state: OptimizerState | None = None,
                      layer_state: Params | None = None) -> None:
        """The stepper continues from the trained parameters; one undo step returns to before."""
        host = self.host
        if run.adopted:
            host.stepper.undo()  # the previous snapshot: keep exactly one undo step for the run
        host.stepper.adopt(params, iteration, label=tr("training {what}", what=_iterations(done)),
                           optimizer_state=optimizer_state, layer_state=layer_state)
        run.adopted = True
        host.fresh = set()
        host.refresh_view()

    def session_changed(self) -> None:
        """After every change of the session: a training run just undone leaves the chart
        (its losses and epochs), and the panel says so instead of "done"."""
        if self.running:
            return
        undone = None
        while self.history and self.host.stepper.state is self.history[-1].before:
            undone = self.history.pop()
            log = self.log
            del log.losses[undone.log_sizes[0]:]
            del log.epochs[undone.log_sizes[1]:]
            log.held_out, log.held_out_loss = undone.held_before
            log.runs -= 1
        if undone is None:
            return
        if not self.history:
            self.log.unit = ""  # nothing trained any more: no run's unit to speak of
        panel = self.panel
        panel.show_log(self.log)
        panel.show_progress(Text(tr("undid the training of {what}: back at iteration {n}  ·  {key} trains again",
                                    what=_iterations(undone.iterations), n=self.host.stepper.iteration,
                                    key=key_for("train")), style="bold"))

    def session_replaced(self) -> None:
        """Another scenario was opened: its training starts with an empty chart, the panel hidden."""
        self.log = TrainingLog()
        self.history = []
        self.last_choice = None
        panel = self._mounted_panel()
        if panel is None:  # never shown: nothing to empty
            return
        panel.display = False
        panel.reset(self.log)

    def worker_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "train" or event.state not in (WorkerState.SUCCESS, WorkerState.ERROR,
                                                                 WorkerState.CANCELLED):
            return
        host, run = self.host, self.run
        if run is None:
            return
        if self._timer is not None:
            self._timer.stop()
        sys.setswitchinterval(self._switch_interval)
        error = run.error or event.worker.error
        if run.final is not None and run.final[2] > 0:
            self._show_trained(run, *run.final)
        if run.adopted and run.before is not None:
            self.history.append(TrainedRun(run.before, run.log_sizes, run.held_before, run.done))
            self.log.runs += 1
        self.run = None
        host.refresh_bindings()
        secs = time.monotonic() - run.started
        self.panel.show_log(self.log)
        self.panel.show_progress(_done_text(run, secs))
        if error is not None:
            host.say(_failure_text(error, run.done), error=True)
            return
        if run.done == 0:
            host.say(tr("training stopped before the first iteration finished: nothing changed"))
            return
        what, last = _iterations(run.done), fmt(run.last_loss, 3)
        result = (tr("stopped after {what} in {secs:.1f} s: last loss {loss}", what=what, secs=secs, loss=last)
                  if run.done < run.total else
                  tr("trained {what} in {secs:.1f} s: last loss {loss}", what=what, secs=secs, loss=last))
        if self.log.held_out is not None:
            result += tr(" · held-out accuracy {accuracy}", accuracy=percent(self.log.held_out))
        host.say(tr("{result} · now at iteration {n} · {key} undoes the training", result=result,
                    n=host.stepper.iteration, key=key_for("undo")))


def _iterations(count: int) -> str:
    """``1 iteration``, ``2,000 iterations`` (one form in Chinese)."""
    return tr_n("{n:,} iteration", "{n:,} iterations", count)


def _failure_text(error: BaseException, done: int) -> str:
    """Why training ended early: where it diverged and what to try, or the error."""
    if isinstance(error, TrainingDiverged):
        kept = (tr("kept the {n:,} iterations before it ({key} undoes them)", n=done, key=key_for("undo")) if done
                else tr("nothing changed"))
        return f"{error} · {kept}"
    return tr("training failed after {n:,} iterations: {problem}", n=done, problem=problem(error))


def _done_text(run: TrainingRun, secs: float) -> Text:
    out = Text(no_wrap=True, overflow="ellipsis")
    said = (tr("stopped: {done:,}/{total:,} iterations in {secs:.1f} s", done=run.done, total=run.total, secs=secs)
            if run.done < run.total else
            tr("done: {done:,}/{total:,} iterations in {secs:.1f} s", done=run.done, total=run.total, secs=secs))
    out.append(said, style="bold")
    out.append(tr("  ·  {train} trains more  ·  {undo} undoes  ·  {chart} hides this panel", train=key_for("train"),
                  undo=key_for("undo"), chart=key_for("toggle_chart")), style="dim")
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
    published = rested = time.monotonic()
    try:
        while run.done < run.total and not run.stop and not worker.is_cancelled:
            loss = trainer.step()
            run.last_loss = loss
            log.losses.append(loss)
            run.done += 1
            if run.unit == "epochs" and trainer.epoch_done == per_epoch:
                stats = trainer.finish_epoch(len(log.epochs) + 1)
                log.epochs.append(stats)
                if stats.test_accuracy is not None:
                    log.held_out, log.held_out_loss = stats.test_accuracy, stats.test_loss
            now = time.monotonic()
            if now - published >= PANELS_EVERY:
                published = now
                run.snapshot = (trainer.params, trainer.iteration, run.done, trainer.optimizer_state,
                            trainer.layer_state)
            if now - rested >= WORK_SLICE:  # leave the UI thread a moment with the GIL
                time.sleep(REST)
                rested = time.monotonic()
        if run.done and scenario.test_samples is not None and (run.unit != "epochs" or trainer.epoch_done < per_epoch):
            log.held_out_loss, log.held_out = trainer.held_out()  # where the run stopped, between epochs
        run.final = (trainer.params, trainer.iteration, run.done, trainer.optimizer_state,
                            trainer.layer_state)
    except Exception as err:  # shown by the app; never lets the worker end the app
        run.error = err
        run.final = (trainer.params, trainer.iteration, run.done, trainer.optimizer_state,
                            trainer.layer_state)
