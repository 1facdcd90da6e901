"""The shell in Simplified Chinese (``--lang zh``): the key bar, the status line, the message
line, help, the palette and the features' messages speak Chinese, while numbers, keys and
quantity names stay exactly as they are; a double-width line still fits 80 columns."""

from __future__ import annotations

from rich.cells import cell_len
from textual.command import CommandInput, CommandPalette
from textual.widgets import Markdown
from tui_helpers import cell, message, press, status

from core.i18n import using_language
from core.scenario.catalog import load
from tui.app import CnnTuiApp
from tui.screens.help_screen import HelpScreen
from tui.widgets.bars.key_bar import KeyBar

SMALL = (80, 24)


def tiny() -> CnnTuiApp:
    return CnnTuiApp(load("tiny-cnn"))


async def test_the_key_bar_status_and_first_message_speak_chinese():
    with using_language("zh"):
        app = tiny()
        async with app.run_test(size=SMALL) as pilot:
            await pilot.pause()
            bar = app.query_one(KeyBar).text
            for shown in ("f 正向", "space 下一步", "Q 测验", "? 帮助", "q 退出", "^p 命令面板"):
                assert shown in bar, (shown, bar)
            assert "forward" not in bar and "help" not in bar and "palette" not in bar
            line = status(app)
            assert "损失 ·" in line and "迭代 1" in line and "样本 1/1" in line and "α 0.5" in line
            assert message(app).startswith("tiny-cnn — the notes' 1-D CNN：按 f 正向传播一层，space 执行下一步")


async def test_a_forward_pass_in_chinese_keeps_its_numbers_and_names():
    with using_language("zh"):
        app = tiny()
        async with app.run_test(size=SMALL) as pilot:
            await press(pilot, "F")
            await pilot.pause()
            assert cell(app, "out.out[0]") == "0.706✓"  # the same number as in English
            line = status(app)
            assert "损失 0.347" in line and "迭代 1" in line
            said = message(app)
            assert "，算出 conv.net, conv.out, fc.net, fc.out 及另外 4 个" in said, said  # names unchanged
            assert "下一步：" in said and "(b)" in said
            bar = app.query_one(KeyBar).text
            assert "b 反向" in bar and "z 撤销" in bar


async def test_the_features_say_their_messages_in_chinese():
    with using_language("zh"):
        app = tiny()
        async with app.run_test(size=SMALL) as pilot:
            await press(pilot, "F", "c")
            await pilot.pause()
            assert message(app) == "已显示训练面板 (c 隐藏)"
            await press(pilot, "d")  # the trace goes from "what it reads" to "what reads it"
            await pilot.pause()
            assert message(app).startswith("追踪：读取它的所有值 (标出 ") and message(app).endswith("个；d：关闭追踪)")
            await press(pilot, "f")  # the forward pass is complete: the keys that go on are named
            await pilot.pause()
            assert message(app).endswith("；请按 z (撤销) 或 r (重置)"), message(app)
            await press(pilot, "R")
            await pilot.pause()
            assert "手算舍入 3 位" in status(app)
            assert message(app).endswith("；已清除算出的值 (R：关闭)")


async def test_an_english_session_is_unchanged():
    app = tiny()
    async with app.run_test(size=SMALL) as pilot:
        await press(pilot, "F", "c")
        await pilot.pause()
        assert message(app) == "training panel shown (c hides it)"
        assert " b backward " in app.query_one(KeyBar).text


async def test_help_and_the_palette_speak_chinese():
    with using_language("zh"):
        app = tiny()
        async with app.run_test(size=SMALL) as pilot:
            await press(pilot, "question_mark")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            assert app.screen.query_one("#help").border_title == "escape、q 或 ? 关闭帮助"
            text = app.screen.query_one(Markdown).source
            assert "# cnn-tui — 一个数一个数地学反向传播" in text
            assert "**delta** = δ = ∂C/∂net" in text  # the loss's symbol, as in English
            assert "| 按键 | 作用 |" in text and "| `f` | 正向传播一层 |" in text
            assert "## 网络编辑器 (N)" in text and "| `x delete` | 删除选中的层 |" in text
            await press(pilot, "escape")
            await pilot.pause()
            commands = list(app.get_system_commands(app.screen))
            forward = next(c for c in commands if c.title.startswith("正向传播一层"))
            assert forward.title == "正向传播一层 (f)" and forward.help == "按键 f"
            assert any(c.title == "主题" and c.help == "更换当前主题" for c in commands)
            await press(pilot, "ctrl+p")
            await pilot.pause()
            assert isinstance(app.screen, CommandPalette)
            assert app.screen.query_one(CommandInput).placeholder == "搜索命令…"


async def test_a_chinese_key_bar_fits_80_columns_and_a_click_hits_its_key():
    """A CJK character takes two cells: the bar drops keys by cells (help and quit stay), and a
    click finds the key under it by cells too."""
    with using_language("zh"):
        app = tiny()
        async with app.run_test(size=SMALL) as pilot:
            await pilot.pause()
            bar = app.query_one(KeyBar)
            text = bar.text
            assert cell_len(text) == 80 and text.rstrip().endswith("▏^p 命令面板")
            assert "? 帮助" in text and "q 退出" in text
            at = cell_len(text[:text.index(" ? 帮助")]) + 4  # on "帮助", past the wide characters before it
            await pilot.click(KeyBar, offset=(at, 0))
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)


async def test_the_key_under_the_mouse_says_what_it_does_in_chinese():
    with using_language("zh"):
        app = tiny()
        async with app.run_test(size=SMALL) as pilot:
            await pilot.pause()
            bar = app.query_one(KeyBar)
            text = bar.text
            await pilot.hover(KeyBar, offset=(cell_len(text[:text.index(" f 正向")]) + 4, 0))
            await pilot.pause()
            assert bar.tooltip == "正向传播一层"
            await pilot.hover(KeyBar, offset=(cell_len(text[:text.index("^p 命令面板")]) + 4, 0))
            await pilot.pause()
            assert bar.tooltip == "打开命令面板"


async def test_a_long_chinese_message_is_cut_within_the_line_and_says_where_to_read_it():
    """The message line's "… (m: the whole message)" is measured in cells: in Chinese it is wider
    than it is long, and must still end the last line whole."""
    from tui.widgets.bars.message_line import MessageLine

    with using_language("zh"):
        app = tiny()
        async with app.run_test(size=SMALL) as pilot:
            await pilot.pause()
            app.main.say("这是一条很长的消息，" * 40)
            await pilot.pause()
            line = app.query_one(MessageLine)
            shown = line.render().plain.split("\n")
            assert len(shown) == 2  # two lines on a terminal under 30 rows
            assert shown[-1].endswith(" … (m：完整消息)")
            assert all(cell_len(text) <= line.content_size.width for text in shown)
