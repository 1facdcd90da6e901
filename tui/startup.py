"""The garbage collector is held off from launch until the first frame is drawn.

Start-up allocates hundreds of thousands of objects (Textual's modules, styles, widgets),
and Python's collector walks them all again and again on the way: about a tenth of the
launch. They all live as long as the app, so nothing is lost by not looking for garbage
among them; once the first frame is on screen, they are frozen (``gc.freeze``: never
walked again, which keeps later collections short during keypresses too) and collecting
resumes.
"""

from __future__ import annotations

import gc

_held = False


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
        gc.enable()
