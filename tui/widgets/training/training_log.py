"""The session's training record: every training loss and every epoch's figures so far.

The training feature keeps one from launch; the training panel (``loss_chart``, imported
when the panel is first wanted) draws it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.engine.training import EpochStats


@dataclass
class TrainingLog:
    """Everything the chart shows: every training loss so far and every epoch's numbers."""

    losses: list[float] = field(default_factory=list)  # one per iteration trained in this session
    epochs: list[EpochStats] = field(default_factory=list)
    held_out: float | None = None  # the latest held-out accuracy
    held_out_loss: float | None = None
    unit: str = ""  # "epochs" or "iterations": what the latest run counted
    runs: int = 0  # the runs whose losses these are (undone runs are taken out)


def percent(value: float) -> str:
    """An accuracy as the panel and the messages write it: ``87.5%``."""
    return f"{100 * value:.1f}%"
