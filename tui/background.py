"""File work in a daemon thread, its outcome handed back to the UI thread.

Opening, saving and exporting may block for as long as the file system likes (a FIFO, a
network folder, a huge file). A Textual thread worker runs in asyncio's executor, whose
threads the app waits for when it exits: one blocked read would keep a quit from ever
ending. A daemon thread never holds the exit, and the screen never waits for it.
"""

from __future__ import annotations

import asyncio
import inspect
import threading
from collections.abc import Callable
from typing import TypeVar

from textual.app import App

Result = TypeVar("Result")

_running = 0  # jobs started and not yet handed back (tests wait for 0)
_lock = threading.Lock()
_handing_back: set[asyncio.Future[object]] = set()  # outcomes being handled (kept from the collector)


def running_jobs() -> int:
    return _running


def run_in_background(app: App[object], work: Callable[[], Result], done: Callable[[Result], object],
                      failed: Callable[[BaseException], object], name: str = "file work") -> None:
    """``work()`` in a daemon thread; then ``done(result)`` or ``failed(error)`` on the UI thread.

    Called on the UI thread. If the app has ended meanwhile, the outcome is dropped (the
    thread never waits for the UI: ``App.call_from_thread`` would wait forever once the
    app's loop has stopped).
    """
    global _running
    loop = asyncio.get_running_loop()
    with _lock:
        _running += 1

    def finished() -> None:
        global _running
        with _lock:
            _running -= 1

    def run(callback: Callable[[], object]) -> None:
        try:  # the job counts as running until its callback has run on the UI thread
            result = callback()
        finally:
            finished()
        if inspect.isawaitable(result):
            task = asyncio.ensure_future(result)
            _handing_back.add(task)
            task.add_done_callback(_handing_back.discard)

    def hand_back(callback: Callable[[], object]) -> None:
        try:
            if app.is_running:
                loop.call_soon_threadsafe(run, callback)
                return
        except RuntimeError:  # the loop is closed: nobody to tell
            pass
        finished()

    def target() -> None:
        try:
            result = work()
        except BaseException as err:  # noqa: BLE001 - every outcome goes back to the UI thread
            caught = err
            hand_back(lambda: failed(caught))
        else:
            hand_back(lambda: done(result))

    threading.Thread(target=target, name=name, daemon=True).start()
