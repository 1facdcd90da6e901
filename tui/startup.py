"""The garbage collector is held off from launch until the first frame is drawn.

Start-up allocates hundreds of thousands of objects (Textual's modules, styles, widgets),
and Python's collector walks them all again and again on the way: about a tenth of the
launch. They all live as long as the app, so nothing is lost by not looking for garbage
among them; once the first frame is on screen, they are frozen (``gc.freeze``: never
walked again, which keeps later collections short during keypresses too) and collecting
resumes, with a larger young generation: a keypress leaves 5,000-14,000 new objects for the
collector to look at (tiny-cnn, digits: mostly Textual's strips of the lines it draws, each
with its caches), and at Python's default of 700 it collected 8-20 times a press, 3.7-9.9 ms
of CPU (2.0-5.9 ms at 10,000, measured with Pilot; a collection then takes up to ~7 ms).
"""

from __future__ import annotations

import gc

_held = False
YOUNG = 10_000  # objects allocated between two collections of the youngest generation (Python: 700)


def hold_collector() -> None:
    """Stop automatic collections until ``release_collector`` (called before the app is built)."""
    global _held
    if gc.isenabled():
        gc.disable()
        _held = True


def release_collector(freeze: bool = True) -> None:
    """After the first frame: what start-up built is frozen and collecting resumes (once).
    ``freeze=False``: collecting resumes over everything (a headless command, which builds no
    app that lives as long as the process)."""
    global _held
    if _held:
        _held = False
        if freeze:
            gc.freeze()
            gc.set_threshold(YOUNG, *gc.get_threshold()[1:])
        gc.enable()
