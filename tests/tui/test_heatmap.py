"""The heatmap renderer on known arrays: colours, half blocks, legend, constant input."""

from __future__ import annotations

import numpy as np

from tui.widgets.heatmap.render import UPPER_HALF, Scale, legend, render_heatmap


def _styles(text):
    return [(text.plain[span.start:span.end], span.style) for span in text.spans]


def test_two_rows_share_one_line_upper_as_foreground_lower_as_background() -> None:
    text = render_heatmap(np.array([[-1.0, 1.0], [1.0, -1.0]]), cell_width=1)
    assert text.plain == UPPER_HALF * 2
    (g1, s1), (g2, s2) = _styles(text)
    blue, red = (33, 102, 172), (178, 24, 43)
    assert s1.color.triplet == blue and s1.bgcolor.triplet == red
    assert s2.color.triplet == red and s2.bgcolor.triplet == blue


def test_diverging_scale_is_symmetric_around_zero() -> None:
    scale = Scale.for_values(np.array([-0.5, 2.0]))
    assert scale.diverging
    zero, half_neg = scale.colours(np.array([0.0, -1.0]))
    assert tuple(zero) == (247, 247, 247)
    # −1 is half of the limit 2 on the negative side: halfway between white and blue
    assert tuple(half_neg) == (140, 174, 210)


def test_sequential_scale_for_non_negative_values() -> None:
    scale = Scale.for_values(np.array([0.0, 0.5, 1.0]))
    assert not scale.diverging
    low, high = scale.colours(np.array([0.0, 1.0]))
    assert tuple(low) == (255, 255, 229) and tuple(high) == (0, 69, 41)


def test_constant_and_non_finite_input_gives_no_nan() -> None:
    for values in (np.full((3, 4), 0.25), np.zeros((2, 2)), np.array([[np.nan, 1.0]])):
        scale = Scale.for_values(values)
        rgb = scale.colours(values)
        assert rgb.dtype == np.uint8 and rgb.shape == values.shape + (3,)
        render_heatmap(values)  # draws without error
    assert len({tuple(c) for c in Scale.for_values(np.full(4, 7.0)).colours(np.full(4, 7.0))}) == 1


def test_odd_row_count_leaves_the_last_background_unset_and_lines_break() -> None:
    text = render_heatmap(np.arange(6.0).reshape(3, 2), cell_width=2)
    lines = text.plain.split("\n")
    assert lines == [UPPER_HALF * 4, UPPER_HALF * 4]
    assert _styles(text)[-1][1].bgcolor is None


def test_highlight_marks_the_selected_cell() -> None:
    text = render_heatmap(np.zeros((2, 3)), cell_width=1, highlight=(1, 2))
    assert text.plain == UPPER_HALF * 2 + "▙"


def test_legend_shows_min_and_max() -> None:
    text = legend(Scale.for_values(np.array([-0.25, 0.75])), width=5)
    assert text.plain == "−0.250 █████ 0.750"
