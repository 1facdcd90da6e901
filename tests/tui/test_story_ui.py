"""The scenario's story: shown when a scenario opens, closed by any key (which still acts), i reopens it."""

from __future__ import annotations

from fixtures.helpers import build, scenario_text
from textual.widgets import Static
from tui_helpers import SIZE, message, press

from core.scenario.catalog import load
from tui.app import CnnTuiApp
from tui.widgets.derivation.derivation_view import DerivationView
from tui.widgets.intro.intro_panel import IntroPanel, reflow


def story(app: CnnTuiApp) -> str:
    panel = app.main.query_one(IntroPanel)
    return "\n".join(str(getattr(s.content, "plain", s.content)) for s in panel.query(Static) if s.display)


def shown(app: CnnTuiApp) -> bool:
    return bool(app.main.query_one(IntroPanel).display)


async def test_the_story_is_told_when_the_scenario_opens_and_the_first_key_still_acts(app: CnnTuiApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert shown(app)
        assert not app.main.query_one(DerivationView).display  # the story is in its place
        text = story(app)
        assert text.startswith("tiny-cnn — the notes' 1-D CNN")
        assert "One SGD iteration of a tiny 1-D CNN, as worked by hand in the study notes: conv1d" in text
        assert "to start: f forward · space next · n iteration · d trace · ? help" in text
        await press(pilot, "f")
        assert not shown(app)
        assert app.main.query_one(DerivationView).display
        assert app.stepper.phase().describe() == "forward 2/4: pool"


async def test_escape_only_closes_the_story_and_i_opens_and_closes_it(app: CnnTuiApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        before = message(app)
        await press(pilot, "escape")
        assert not shown(app)
        assert message(app) == before
        await press(pilot, "i")
        assert shown(app)
        await press(pilot, "i")
        assert not shown(app)
        assert app.stepper.phase().describe() == "forward 1/4: conv"


async def test_brackets_page_through_the_story_without_closing_it() -> None:
    app = CnnTuiApp(load("digits"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        panel = app.main.query_one(IntroPanel)
        assert panel.max_scroll_y > 0  # the digits story is longer than its box at 80×24
        await press(pilot, "right_square_bracket")
        assert shown(app)
        assert panel.scroll_y > 0
        await press(pilot, "left_square_bracket")
        assert panel.scroll_y == 0


async def test_a_scenario_without_a_description_opens_on_its_derivation() -> None:
    text = scenario_text([2], [{"name": "fc", "type": "dense", "units": 1, "activation": "linear"}],
                         "squared_error", [{"x": [1, 2], "y": [0.5]}])
    app = CnnTuiApp(build(text))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert not shown(app)
        await press(pilot, "i")
        assert shown(app)
        assert story(app).startswith("generated\nto start:")
        assert "has no description" in message(app)


async def test_opening_another_scenario_tells_its_story(app: CnnTuiApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "escape")
        await app.main.replace_session(load("xor-tanh"))
        await pilot.pause()
        assert shown(app)
        assert story(app).startswith(load("xor-tanh").name)


def test_reflow_joins_a_paragraph_s_lines_and_keeps_blank_lines_and_items() -> None:
    assert reflow("One line\nand its rest.\n\nSecond\n- an item\n- another\n") == \
        "One line and its rest.\n\nSecond\n- an item\n- another"
