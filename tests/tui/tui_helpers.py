"""Readers of the TUI screen for the tests."""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import Static

from tui.app import CnnTuiApp

SIZE = (120, 36)


def cell(app: CnnTuiApp, name: str) -> str:
    """The text of a value as the grid shows it (with its ✓/✗ mark)."""
    for panel in app.main.panels:
        where = panel.grid.locate(name)
        if where is not None:
            c = panel.grid.rows[where[0]].cells[where[1]]
            return c.text + c.mark
    raise AssertionError(f"{name} is not shown")


def cell_state(app: CnnTuiApp, name: str) -> str:
    for panel in app.main.panels:
        where = panel.grid.locate(name)
        if where is not None:
            return panel.grid.rows[where[0]].cells[where[1]].state
    raise AssertionError(f"{name} is not shown")


def message(app: CnnTuiApp) -> str:
    return str(app.query_one("#message", Static).content)


def derivation(app: CnnTuiApp) -> str:
    content = app.query_one("#derivation-body", Static).content
    return getattr(content, "plain", str(content))


def status(app: CnnTuiApp) -> str:
    content = app.query_one("#status", Static).content
    return getattr(content, "plain", str(content))


async def press(pilot, *keys: str) -> None:
    await pilot.press(*keys)


async def press_each(pilot, app: CnnTuiApp, keys: list[str], check: Callable[[CnnTuiApp], None]) -> None:
    """Press ``keys`` one by one, answering yes where one asks first (reset), and ``check``
    the app after each."""
    for key in keys:
        await press(pilot, key)
        await pilot.pause()
        if app.screen is not app.main:  # reset asks first
            await press(pilot, "y")
            await pilot.pause()
        check(app)
