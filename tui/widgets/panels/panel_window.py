"""Which panels are mounted: a window of at most ``WINDOW`` of them, moved to the one wanted.

A panel is a few widgets whose styles, layout and rows Textual works out whether or not
they are on screen, so a 5,000-layer network cannot have a panel per layer mounted (it
took 48 s to open). The main screen mounts the panels of one window of the panel keys
(input, the layers, loss) and moves the window when a step, a selection or the arrow
keys go to a panel outside it. Every network of up to ``WINDOW`` − 2 layers (every
bundled one) has all of its panels mounted, as before.
"""

from __future__ import annotations

WINDOW = 24  # panels mounted at once: several screens wide at 120 columns
CONTEXT = 2  # panels kept on the side a moved window came from (the values just computed)


def window_start(count: int, start: int, wanted: int) -> int:
    """The first panel of the window that shows panel ``wanted`` of ``count``: ``start``
    when it already does; else moved so that ``wanted`` lies ``CONTEXT`` panels in from
    the edge it came through (stepping forward it is near the left, backward near the
    right), never past either end."""
    if count <= WINDOW:
        return 0
    if start <= wanted < start + WINDOW:
        return start
    if wanted >= start + WINDOW:
        moved = wanted - CONTEXT
    else:
        moved = wanted - (WINDOW - 1 - CONTEXT)
    return max(0, min(moved, count - WINDOW))


def window_keys(keys: list[str], start: int) -> list[str]:
    """The keys of the window from ``start``; it always ends with the last two panels
    together (the output layer and the loss below it share a column)."""
    shown = keys[start:start + WINDOW]
    if len(keys) > 1 and keys[-2] in shown and keys[-1] not in shown:
        shown = shown[1:] + [keys[-1]]
    return shown
