"""Colour heatmaps of 2-D arrays drawn with Unicode half blocks (two rows per line).

Each character cell shows two values: "▀" with the upper value as its foreground colour
and the lower one as its background. Signed data uses a diverging palette (blue for
negative, white at zero, red for positive, symmetric around zero); non-negative data a
sequential one. Every segment is styled explicitly, so nothing inherits a background.
This module only draws: the numbers come from the engine.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from rich.cells import cell_len
from rich.color import Color
from rich.style import Style
from rich.text import Text

UPPER_HALF = "▀"
RAMP = " .:-=+*#%@"  # --ascii: one value per cell, its size as ink (and its colour as the ink's)
# endpoints of the palettes (RGB)
_NEGATIVE = np.array([33, 102, 172])  # blue
_ZERO = np.array([247, 247, 247])  # near white
_POSITIVE = np.array([178, 24, 43])  # red
_LOW = np.array([255, 255, 229])  # pale yellow
_HIGH = np.array([0, 69, 41])  # dark green


@dataclass(frozen=True)
class Scale:
    """How values map to colours: diverging (symmetric around 0) or sequential."""

    low: float
    high: float
    diverging: bool

    @classmethod
    def for_values(cls, values: np.ndarray) -> Scale:
        finite = np.asarray(values, dtype=np.float64)
        finite = finite[np.isfinite(finite)]
        if finite.size == 0:
            return cls(0.0, 0.0, False)
        low, high = float(finite.min()), float(finite.max())
        return cls(low, high, low < 0)

    def colours(self, values: np.ndarray) -> np.ndarray:
        """RGB ``uint8`` array of shape values.shape + (3,); constant input gives one colour, no NaN."""
        v = np.nan_to_num(np.asarray(values, dtype=np.float64), nan=0.0, posinf=self.high, neginf=self.low)
        if self.diverging:
            limit = max(abs(self.low), abs(self.high)) or 1.0
            t = np.clip(v / limit, -1.0, 1.0)[..., None]
            rgb = np.where(t >= 0, _ZERO + (_POSITIVE - _ZERO) * t, _ZERO + (_NEGATIVE - _ZERO) * -t)
        else:
            span = self.high - self.low
            t = np.zeros_like(v) if span == 0 else np.clip((v - self.low) / span, 0.0, 1.0)
            rgb = _LOW + (_HIGH - _LOW) * t[..., None]
        colours: np.ndarray = np.rint(rgb).astype(np.uint8)
        return colours


    def levels(self, values: np.ndarray) -> np.ndarray:
        """Each value's place on ``RAMP`` (1 to 9; the blank is for no value): its size against
        the largest (diverging: |v| against the largest |v|), so a monochrome terminal still
        reads the picture."""
        v = np.nan_to_num(np.asarray(values, dtype=np.float64), nan=0.0, posinf=self.high, neginf=self.low)
        if self.diverging:
            limit = max(abs(self.low), abs(self.high)) or 1.0
            t = np.clip(np.abs(v) / limit, 0.0, 1.0)
        else:
            span = self.high - self.low
            t = np.zeros_like(v) if span == 0 else np.clip((v - self.low) / span, 0.0, 1.0)
        levels: np.ndarray = 1 + np.rint(t * (len(RAMP) - 2)).astype(np.int64)
        return levels


def _colour(rgb: np.ndarray) -> Color:
    return Color.from_rgb(int(rgb[0]), int(rgb[1]), int(rgb[2]))


def render_heatmap(values: np.ndarray, scale: Scale | None = None, cell_width: int = 2,
                   highlight: tuple[int, int] | None = None) -> Text:
    """A 2-D array as lines of half blocks; ``cell_width`` characters per column.

    ``highlight`` (row, column) marks one value with a different glyph so a selected
    cell stays visible.
    """
    grid = np.atleast_2d(np.asarray(values, dtype=np.float64))
    if grid.ndim != 2:
        grid = grid.reshape(-1, grid.shape[-1])
    scale = scale or Scale.for_values(grid)
    rgb = scale.colours(grid)
    rows, cols = grid.shape
    text = Text()
    for top in range(0, rows, 2):
        for c in range(cols):
            upper = _colour(rgb[top, c])
            lower = _colour(rgb[top + 1, c]) if top + 1 < rows else None
            glyph = UPPER_HALF
            style = Style(color=upper, bgcolor=lower) if lower is not None else Style(color=upper)
            if highlight is not None and highlight[1] == c and highlight[0] in (top, top + 1):
                glyph = "▛" if highlight[0] == top else "▙"
            text.append(glyph * cell_width, style)
        if top + 2 < rows:
            text.append("\n")
    return text


def legend_width(scale: Scale, width: int = 12) -> int:
    """The cells ``legend(scale, width)`` takes, without drawing it (its colours, NumPy's
    samples): a heatmap measures every header of its panel at each change of its blocks."""
    from core.numbers import fmt

    return cell_len(f"{fmt(scale.low, 3)} ") + width + cell_len(f" {fmt(scale.high, 3)}")


def legend(scale: Scale, width: int = 12) -> Text:
    """``min ▒▒▒▒ max`` with the palette between the two ends (with --ascii, the ramp's
    characters in the palette's colours: ``min @%#*+=-:. max``)."""
    from core.ascii_text import ascii_mode
    from core.numbers import fmt

    samples = np.linspace(scale.low, scale.high, width) if scale.high > scale.low else np.full(width, scale.low)
    rgb = scale.colours(samples)
    glyphs = [RAMP[level] for level in scale.levels(samples)] if ascii_mode() else ["█"] * width
    text = Text(f"{fmt(scale.low, 3)} ")
    for colour, glyph in zip(rgb, glyphs):
        text.append(glyph, Style(color=_colour(colour)))
    text.append(f" {fmt(scale.high, 3)}")
    return text
