"""Help says how to close it and writes the scenario's loss symbol; the command palette offers
each action once, without repeating its title, and without Textual's Maximize."""

from __future__ import annotations

from textual.widgets import Markdown
from tui_helpers import SIZE, press

from core.scenario.catalog import load
from tui.app import CnnTuiApp
from tui.bindings import KEYS
from tui.screens.help_screen import HelpScreen


async def test_help_says_how_to_close_it_and_uses_the_losss_symbol(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        box = app.screen.query_one("#help")
        assert box.border_title == "escape, q or ? closes the help"
        box.scroll_end(animate=False, immediate=True)  # the frame's title stays however far it scrolls
        await pilot.pause()
        assert box.border_title.startswith("escape")
        text = app.screen.query_one(Markdown).source
        assert "**delta** = δ = ∂C/∂net" in text and "∂E" not in text  # tiny-cnn's cross-entropy is C
        await press(pilot, "escape")
        await pilot.pause()
        assert app.screen is app.main


async def test_help_of_a_squared_error_scenario_writes_e():
    app = CnnTuiApp(load("two-layer-sigmoid"))
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "question_mark")
        await pilot.pause()
        assert "**delta** = δ = ∂E/∂net" in app.screen.query_one(Markdown).source


async def test_palette_lists_each_action_once_without_repeating_itself(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        commands = list(app.get_system_commands(app.screen))
        titles = [c.title for c in commands]
        assert "Maximize" not in titles and "Keys" not in titles and "Quit" not in titles
        assert len(titles) == len(set(titles))
        assert sum(t.startswith("Quit") for t in titles) == 1
        for c in commands:
            assert c.help.lower() not in c.title.lower(), c.title  # the help line adds, never repeats
        for _keys, _action, _label, _shown, text in KEYS:  # every row of the key table, once
            assert sum(t.startswith(f"{text[0].upper()}{text[1:]} (") for t in titles) == 1, text
        forward = next(c for c in commands if c.title.startswith("Forward one layer"))
        assert forward.help == "key f"
