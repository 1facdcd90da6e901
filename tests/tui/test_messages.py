"""The message line never cuts a message: it wraps (at most three lines, then says which key
shows the rest), and every message of the session is kept in the message log (m)."""

from __future__ import annotations

from textual.widgets import Static
from tui_helpers import SIZE, message, press

from tui.screens.help_screen import help_markdown
from tui.screens.messages_screen import MessagesScreen
from tui.widgets.bars.message_line import MAX_LINES, MessageLine

NARROW = (80, 24)


def shown(app) -> list[str]:
    """The message line's lines as drawn."""
    return app.main.query_one(MessageLine).render().plain.split("\n")


def log_body(app) -> str:
    return app.screen.query_one("#messages-body", Static).content.plain


async def test_a_long_message_wraps_whole_at_80_and_120_columns(app):
    async with app.run_test(size=NARROW) as pilot:
        await press(pilot, "e")  # nothing to export yet: a long sentence
        said = message(app)
        assert said.startswith("nothing to export yet") and said.endswith("next step is forward 1/4: conv)")
        lines = shown(app)
        assert len(lines) == 2 and app.main.query_one(MessageLine).region.height == 2
        assert " ".join(line.strip() for line in lines) == said  # every word on screen
        await pilot.resize_terminal(*SIZE)
        await pilot.pause()
        app.main.select("conv.weight[0,0,0]")
        await press(pilot, "g")  # the message issue 11 found cut at 120 columns
        said = message(app)
        assert said.endswith("b steps back to it")
        assert " ".join(line.strip() for line in shown(app)) == said


async def test_a_message_longer_than_the_line_ends_with_the_log_key(app):
    async with app.run_test(size=(80, 36)) as pilot:
        words = " ".join(f"word{i}" for i in range(120))
        app.main.say(words, error=True)
        await pilot.pause()
        lines = shown(app)
        assert len(lines) == MAX_LINES == app.main.query_one(MessageLine).region.height
        assert lines[-1].endswith("… (m: the whole message)")
        assert all(len(line) <= 78 for line in lines)
        await pilot.resize_terminal(*NARROW)  # 24 rows: two lines, the panels keep the room
        await pilot.pause()
        lines = shown(app)
        assert len(lines) == 2 == app.main.query_one(MessageLine).region.height
        assert lines[-1].endswith("… (m: the whole message)")
        app.main.say("short again")
        await pilot.pause()
        assert shown(app) == ["short again"] and app.main.query_one(MessageLine).region.height == 1


async def test_every_message_of_the_session_is_in_the_log(app):
    async with app.run_test(size=NARROW) as pilot:
        app.main.select("conv.weight[0,0,0]")
        await press(pilot, "g", "e", "e")
        first, grad, export = app.main.messages.log.texts
        assert first.startswith("tiny-cnn") and grad.startswith("no gradient check") and \
            export.startswith("nothing to export")
        assert app.main.messages.log.entries[-1].count == 2  # said twice in a row: counted once
        await press(pilot, "m")
        await pilot.pause()
        assert isinstance(app.screen, MessagesScreen)
        body = " ".join(log_body(app).split())
        for text in (first, grad, export):
            assert " ".join(text.split()) in body  # whole, wrapped by the dialog
        assert "(×2)" in body
        await press(pilot, "m")  # the same key closes it
        await pilot.pause()
        assert app.screen is app.main
        await press(pilot, "m", "escape")
        await pilot.pause()
        assert app.screen is app.main


async def test_the_log_scrolls_back_through_a_long_session(app):
    async with app.run_test(size=NARROW) as pilot:
        for i in range(60):
            app.main.say(f"message number {i}")
        await press(pilot, "m")
        await pilot.pause()
        scroll = app.screen.query_one("#messages-scroll")
        assert scroll.max_scroll_y > 0 and scroll.scroll_y == scroll.max_scroll_y  # opens at the newest
        await press(pilot, "home")
        await pilot.pause()
        assert scroll.scroll_y == 0
        assert "message number 0" in log_body(app) and "message number 59" in log_body(app)


async def test_the_log_key_is_in_help_and_the_palette(app):
    assert "| `m` | the message log" in help_markdown()
    async with app.run_test(size=SIZE):
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert any(t.startswith("The message log") and t.endswith("(m)") for t in titles)


async def test_a_dialogs_own_refusals_go_to_the_log_too(app, tmp_path):
    from textual.widgets import Input

    bad = tmp_path / "bad.yaml"
    bad.write_text("name: [unclosed\n")
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "o")
        await pilot.pause()
        app.screen.query_one("#open-path", Input).value = str(bad)
        await press(pilot, "enter")
        for _ in range(10):
            await pilot.pause()
        shown_in_dialog = str(app.screen.query_one("#open-error").content)
        assert "bad.yaml" in shown_in_dialog
        assert app.main.messages.log.texts[-1] == f"not opened: {shown_in_dialog}"
        await press(pilot, "escape", "t")
        await pilot.pause()
        app.screen.query_one("#train-count", Input).value = "0"
        await press(pilot, "enter")
        await pilot.pause()
        assert app.main.messages.log.texts[-1].startswith("not trained: choose between 1 and")
        assert app.main.messages.log.entries[-1].error
