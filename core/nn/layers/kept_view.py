"""A view of a parameter or gradient array in the shape a layer's products want, kept while
it is the view of the very same array.

Training hands a layer the same arrays every iteration (views into one flat vector, updated
in place), so a reshaped or transposed view of them stays current and is made once; the
stepper hands it new arrays (it never writes one in place), and a new array gets a new view.
Views, never values: nothing kept here can go stale. The pair is swapped in one assignment,
so the TUI's thread and a training worker reading the same layer never see a mismatched one.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

_NONE = np.zeros(0)


class KeptView:
    """``kept(array)``: ``make(array)``, made again only when ``array`` is another object."""

    __slots__ = ("_kept", "_make")

    def __init__(self, make: Callable[[np.ndarray], np.ndarray]) -> None:
        self._make = make
        self._kept: tuple[np.ndarray, np.ndarray] = (_NONE, _NONE)

    def __call__(self, array: np.ndarray) -> np.ndarray:
        kept = self._kept
        if kept[0] is array:
            return kept[1]
        view = self._make(array)
        self._kept = (array, view)
        return view
