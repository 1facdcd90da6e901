"""Pick the sample (or, with a batch, its first sample) an iteration uses: a list with each
sample's label, and beside it the highlighted sample itself (a small heatmap for images)."""

from __future__ import annotations

import numpy as np
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from core.engine.scenario import SampleSet
from core.i18n import mark, tr
from core.numbers import fmt
from tui.widgets.heatmap.render import Scale, render_heatmap

MAX_LISTED_VALUES = 4  # values of a vector sample written in its list line


def sample_label(samples: SampleSet, i: int) -> str:
    """``label 3`` (a class), or the target vector written short (``y [1, 0]``)."""
    if samples.labels is not None and samples.labels[i] >= 0:
        return tr("label {n}", n=int(samples.labels[i]))
    y = samples.y[i]
    if samples.is_classification:
        return tr("label {n}", n=int(np.argmax(y)))
    shown = ", ".join(fmt(float(v), 2) for v in y[:MAX_LISTED_VALUES])
    return f"y [{shown}{', …' if y.size > MAX_LISTED_VALUES else ''}]"


def sample_line(samples: SampleSet, i: int) -> str:
    """One line of the list: number, label and (for a short vector input) its values."""
    x = samples.x[i]
    line = f"{i + 1:>5}  {sample_label(samples, i)}"
    if x.size <= MAX_LISTED_VALUES:
        line += "   x [" + ", ".join(fmt(float(v), 2) for v in x.ravel()) + "]"
    return line


def is_image(x: np.ndarray) -> bool:
    """A sample with a height and a width (``[C, H, W]``, or ``[H, W]``) is drawn as a picture."""
    return x.ndim >= 2 and x.shape[-1] >= 2 and x.shape[-2] >= 2


def preview(samples: SampleSet, i: int) -> Text:
    """The sample itself: a heatmap of its first channel for an image, else its numbers."""
    x = samples.x[i]
    out = Text(tr("sample {n} · {label}", n=i + 1, label=sample_label(samples, i)) + "\n", style="bold")
    if is_image(x):
        plane = x.reshape(-1, *x.shape[-2:])[0]
        out.append_text(render_heatmap(plane, Scale.for_values(samples.x), cell_width=2))
        if x.ndim == 3 and x.shape[0] > 1:
            out.append("\n" + tr("(channel 1 of {n})", n=x.shape[0]), style="dim")
        return out
    flat = x.ravel()
    out.append("x " + " ".join(fmt(float(v), 3) for v in flat[:16]) + (" …" if flat.size > 16 else ""))
    return out


class SamplesScreen(ModalScreen[int]):
    """Dismisses with the chosen sample's index (enter), or None (escape)."""

    CSS_PATH = "dialogs.tcss"  # the dialogs' styles, read when it first opens (not for the first frame)

    BINDINGS = [Binding("escape", "cancel", mark("cancel"))]

    def __init__(self, samples: SampleSet, current: int, batch_size: int) -> None:
        super().__init__(classes="dialog-screen")
        self.samples = samples
        self.current = current
        self.batch_size = batch_size

    def compose(self) -> ComposeResult:
        if self.batch_size == 1:
            question = tr("Which samples does this iteration use? Pick the sample (enter; escape: keep them).")
        else:
            question = tr("Which samples does this iteration use? Pick the first of the batch of {n} "
                          "(enter; escape: keep them).", n=self.batch_size)
        with Vertical(classes="dialog", id="samples-dialog"):
            yield Label(question, id="samples-question")
            with Horizontal(id="samples-body"):
                yield OptionList(*(Option(sample_line(self.samples, i), id=str(i)) for i in range(len(self.samples))),
                                 id="samples-list")
                yield Static(id="samples-preview")

    def on_mount(self) -> None:
        listing = self.query_one(OptionList)
        listing.highlighted = self.current
        listing.focus()
        self._show(self.current)

    def _show(self, i: int) -> None:
        self.query_one("#samples-preview", Static).update(preview(self.samples, i))

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id is not None:
            self._show(int(event.option.id))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.dismiss(int(event.option.id))

    def action_cancel(self) -> None:
        self.dismiss(None)
