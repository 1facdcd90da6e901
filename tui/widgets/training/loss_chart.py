"""The training panel: progress, the loss per iteration as bars, and one line per epoch.

Drawn from a ``TrainingLog`` (the numbers the training worker produced); nothing is
computed here. The bars are averaged down to the panel's width, so drawing costs the
same after ten iterations or a million.
"""

from __future__ import annotations

import time

import numpy as np
from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from core.i18n import tr, tr_n
from core.numbers import fmt
from tui.bindings import key_for
from tui.widgets.training.chart import render_bars
from tui.widgets.training.training_log import TrainingLog, percent

BAR_HEIGHT = 4


def progress_text(label: str, done: int, total: int, started: float, stopping: bool = False) -> Text:
    width = 24
    filled = int(width * done / max(total, 1))
    out = Text(no_wrap=True, overflow="ellipsis")
    out.append(f"{label}  ", style="bold")
    out.append("█" * filled, style="green")
    out.append("░" * (width - filled), style="dim")
    out.append("  " + tr("{done:,}/{total:,} iterations", done=done, total=total)
               + f"  ·  {time.monotonic() - started:.1f} s  ·  ")
    if stopping:
        out.append(tr("stopping at the end of this iteration…"), style="bold yellow")
    else:
        out.append(tr("escape stops"), style="dim")
    return out


def idle_text() -> Text:
    """The progress line before any training (and after opening another scenario)."""
    return Text(tr("{key} trains from here: iterations or epochs, in the background", key=key_for("train")),
                style="dim")


def chart_text(log: TrainingLog, width: int) -> Text:
    """The loss per iteration as bars, with its range and what one bar stands for."""
    losses = np.asarray(log.losses, dtype=np.float64)
    out = Text(no_wrap=True, overflow="crop")
    if losses.size == 0:
        out.append(tr("loss per iteration: nothing trained yet ({key} trains)", key=key_for("train")), style="dim")
        return out
    width = max(10, width)
    per_bar = max(1, -(-losses.size // width))
    out.append(tr("loss per iteration"), style="bold")
    # the latest loss first: the line is cut at the panel's width, and it matters most
    runs = tr(" in {n} runs", n=log.runs) if log.runs > 1 else ""
    bar = tr(" (bar = mean of {n})", n=per_bar) if per_bar > 1 else ""
    ends = tr("last {last} · max {max}", last=fmt(float(losses[-1]), 3), max=fmt(float(np.nanmax(losses)), 3))
    count = tr_n("{n:,} iteration", "{n:,} iterations", losses.size)
    out.append(f"  {ends} · {count}{runs}{bar}\n", style="dim")
    out.append_text(render_bars(losses, width=width, height=BAR_HEIGHT, low=0.0, style="cyan"))
    return out


def epochs_text(log: TrainingLog, rows: int = 5) -> Text:
    """The held-out accuracy, then the last epochs in ``rows`` lines: their loss and training
    accuracy (counted during each epoch, see EpochStats, which the last line says) and
    held-out accuracy (evaluated after it)."""
    out = Text(no_wrap=True, overflow="ellipsis")
    if log.held_out is not None:
        out.append(tr("held-out accuracy {accuracy}", accuracy=percent(log.held_out)), style="bold green")
        if log.held_out_loss is not None:
            out.append("  " + tr("(loss {loss})", loss=fmt(log.held_out_loss, 3)), style="dim")
        out.append("\n")
    if not log.epochs:
        if log.unit == "iterations":
            out.append(tr("per epoch: — (this run counts iterations)"), style="dim")
        else:
            out.append(tr("per epoch: none completed yet"), style="dim")
        return out
    has_acc = log.epochs[-1].accuracy is not None
    has_test = log.epochs[-1].test_accuracy is not None
    head = _column(tr("epoch"), 5) + _column(tr("loss"), 7)  # right-aligned over the numbers below
    out.append(head + (_column(tr("train"), 8) if has_acc else "") + (_column(tr("held-out"), 10) if has_test else ""),
               style="dim")
    for e in log.epochs[-(rows - 1 if has_acc else rows):]:  # the note below takes a row
        line = f"\n{e.epoch:>5}  {fmt(e.loss, 3):>5}"
        if has_acc and e.accuracy is not None:
            line += f"  {percent(e.accuracy):>6}"
        if has_test and e.test_accuracy is not None:
            line += f"  {percent(e.test_accuracy):>8}"
        out.append(line)
    if has_acc:
        out.append("\n" + tr("train: counted during the epoch"), style="dim")
    return out


def _column(word: str, width: int) -> str:
    """A column's heading right-aligned in ``width`` cells (a Chinese character takes two)."""
    return " " * max(width - cell_len(word), 0) + word


class TrainPanel(Vertical):
    """Progress bar, loss chart and epoch table (hidden until training starts or c).

    Not part of the first frame: the training feature mounts it the first time it is
    wanted (``TrainingFeature.panel``). Its three lines are made with it, so they can be
    written at once, before Textual has mounted them."""

    def __init__(self) -> None:
        super().__init__(id="train-panel")
        self.border_title = tr("training")
        self.can_focus = False
        self.display = False
        self._progress = Static(idle_text(), id="train-progress")
        self._chart = Static(id="train-chart")
        self._epochs = Static(id="train-epochs")

    def compose(self) -> ComposeResult:
        yield self._progress
        with Horizontal(id="train-body"):
            yield self._chart
            yield self._epochs

    def show_log(self, log: TrainingLog) -> None:
        self._chart.update(chart_text(log, self._chart.size.width or 60))
        self._epochs.update(epochs_text(log))

    def show_progress(self, text: Text) -> None:
        self._progress.update(text)

    def reset(self, log: TrainingLog) -> None:
        """Idle, drawing ``log`` (another scenario's empty one)."""
        self.show_progress(idle_text())
        self.show_log(log)

    @property
    def summary(self) -> str:
        """Everything the panel shows, as plain text."""
        parts = []
        for line in (self._progress, self._chart, self._epochs):
            content = line.content
            parts.append(getattr(content, "plain", str(content)))
        return "\n".join(parts)
