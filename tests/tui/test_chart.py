"""The bar chart renderer on known series."""

from __future__ import annotations

import numpy as np

from tui.widgets.training.chart import reduce_to, render_bars


def test_bars_scale_from_zero_to_the_maximum() -> None:
    text = render_bars(np.array([0.0, 0.5, 1.0]), width=10, height=1)
    assert text.plain == "▁▄█"  # 0 still shows a sliver; 0.5 is four eighths


def test_two_rows_fill_the_lower_row_first() -> None:
    text = render_bars(np.array([1.0, 0.25]), height=2)
    assert text.plain.split("\n") == ["█ ", "█▄"]


def test_long_series_are_averaged_down_to_the_width() -> None:
    assert reduce_to(np.arange(8.0), 4).tolist() == [0.5, 2.5, 4.5, 6.5]
    assert len(render_bars(np.arange(1000.0), width=25, height=3).plain.split("\n")[0]) == 25


def test_constant_and_empty_series_draw_without_error() -> None:
    assert render_bars(np.full(5, 0.3), height=1).plain == "█████"
    assert render_bars(np.array([])).plain == "···"
    assert render_bars(np.array([np.nan, 1.0]), height=1).plain == "█"


def test_training_panel_text_leads_with_the_last_loss_and_names_an_iterations_run() -> None:
    from tui.widgets.training.loss_chart import chart_text, epochs_text
    from tui.widgets.training.training_log import TrainingLog

    log = TrainingLog(losses=[0.5, 0.25, 0.000004], unit="iterations")
    header = chart_text(log, 60).plain.split("\n")[0]
    assert header.startswith("loss per iteration  last 0.000004 · max 0.500")  # cut at the width: last first
    assert "per epoch: — (this run counts iterations)" in epochs_text(log).plain
    assert "none completed yet" in epochs_text(TrainingLog(losses=[0.5], unit="epochs")).plain
