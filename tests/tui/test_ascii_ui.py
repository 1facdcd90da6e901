"""--ascii in the TUI: every screen drawn with ASCII only (Chinese characters stay in Chinese).

The screen is read as the terminal receives it (every widget's lines after the app's line
filters), after steps, in the heatmap, help, every dialog and the network editor, on an
SGD, an Adam and a batch-norm scenario.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from rich.cells import cell_len
from rich.segment import Segment
from tui_helpers import derivation

from core.ascii_text import is_wide_text, using_ascii
from core.i18n import using_language
from core.scenario.catalog import load
from tui.app import CnnTuiApp
from tui.ascii_view import AsciiFilter, shown_text

SIZE = (80, 24)


@pytest.fixture
def ascii_only() -> Iterator[None]:
    with using_ascii():
        yield


def screen_text(app: CnnTuiApp) -> str:
    """The screen as its lines go to the terminal (the line filters applied)."""
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


def foreign(text: str) -> str:
    """The characters of ``text`` a CJK terminal may draw at another width than the app counts."""
    return "".join(sorted({c for c in text if not c.isascii() and not is_wide_text(c)}))


async def look(pilot, app: CnnTuiApp, where: str, seen: dict[str, str]) -> str:
    await pilot.pause()
    await pilot.pause()
    text = screen_text(app)
    assert not foreign(text), f"{where}: {foreign(text)!r} on screen:\n{text}"
    seen[where] = text
    return text


DIALOGS = ["o", "S", "e", "Q", "t", "l", "m", "question_mark", "ctrl+p", "i"]


async def walk(app: CnnTuiApp, dialogs: bool = True) -> dict[str, str]:
    """Steps, a heatmap, help, every dialog, the editor and a quit that asks; every screen looked at.
    ``dialogs=False``: the steps, the heatmap and the learning-rate dialog only (what differs
    between scenarios: the panels, the optimizer's and batch norm's values)."""
    seen: dict[str, str] = {}
    async with app.run_test(size=SIZE) as pilot:
        await look(pilot, app, "opened (the story)", seen)
        await pilot.press("escape")
        await look(pilot, app, "main", seen)
        for keys in (["f"], ["F"], ["B"], ["d"], ["d"], ["j"], ["g"], ["u"], ["plus", "p"], ["R"], ["R"]):
            await pilot.press(*keys)
            await look(pilot, app, "after " + " ".join(keys), seen)
        app.main.select(app.main.panels[1].grid.rows[0].cells[0].name)  # the first layer's panel
        await pilot.press("h")
        await look(pilot, app, "heatmap", seen)
        await pilot.press("h")
        for key in DIALOGS if dialogs else []:
            await pilot.press(key)
            await look(pilot, app, f"dialog {key}", seen)
            await pilot.press("escape")
            await look(pilot, app, f"after closing {key}", seen)
        await pilot.press("a")
        await look(pilot, app, "learning rate", seen)
        await pilot.press("escape")
        if not dialogs:
            return seen
        await pilot.press("N")
        await look(pilot, app, "network editor", seen)
        await pilot.press("down", "enter")
        await look(pilot, app, "editing a layer", seen)
        await pilot.press("escape", "escape")
        await look(pilot, app, "leaving the editor", seen)
        await pilot.press("escape")
        await pilot.press("q")
        await look(pilot, app, "quit asks", seen)
        await pilot.press("escape")
    return seen


@pytest.mark.parametrize("scenario", ["tiny-cnn", "adam-step", "batchnorm-tiny"])
async def test_every_screen_is_ascii(ascii_only, scenario):
    every_dialog = scenario == "tiny-cnn"  # the dialogs are the same on every scenario
    seen = await walk(CnnTuiApp(load(scenario)), dialogs=every_dialog)
    assert len(seen) > (30 if every_dialog else 12)
    # the app's own text was spelled before layout, not just filtered: the words are there
    everything = "\n".join(seen.values())
    assert "alpha" in everything and "|  loss" in everything
    assert "+-" in everything and "-+" in everything  # the panels' borders


async def test_every_screen_is_ascii_and_chinese_in_chinese(ascii_only):
    with using_language("zh"):
        seen = await walk(CnnTuiApp(load("tiny-cnn")))
    assert len(seen) > 30


async def test_the_derivation_reads_as_the_notes_in_ascii(ascii_only):
    app = CnnTuiApp(load("tiny-cnn"))
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("escape", "F", "B")
        app.main.select("out.delta[0]")
        await pilot.pause()
        text = screen_text(app)
        assert "delta_out[0] = a_out[0] - y[0]" in text
        assert "= 0.706 - 1" in text and "= -0.294" in text
        app.main.select("fc.delta[0]")  # the notes' slip: expected −0.026 ✗
        await pilot.pause()
        text = derivation(app)
        assert "delta_fc[0] = (delta_out[0]*w_out[0,0] + delta_out[1]*w_out[1,0]) * a_fc[0]*(1 - a_fc[0])" in text
        assert "expected -0.026 X  -- the exact value is -0.0140 (off by 0.0120)" in text
        assert "X" in app.main.panels[3].grid.render().plain  # the grid's mark, one cell
        await pilot.press("u")
        app.main.select("out.new_weight[0,0]")
        await pilot.pause()
        assert "w'_out[0,0] = w_out[0,0] - alpha*delta_out[0]*a_fc[0]" in derivation(app)


async def test_keys_are_named_in_ascii(ascii_only):
    app = CnnTuiApp(load("tiny-cnn"))
    async with app.run_test(size=SIZE):
        from textual.binding import Binding

        assert app.get_key_display(Binding("up", "x")) == "up"
        assert app.get_key_display(Binding("ctrl+enter", "x")) == "^enter"


async def test_a_heatmap_draws_one_value_a_cell_on_the_ramp(ascii_only):
    app = CnnTuiApp(load("x-vs-o"))
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("escape", "F")
        panel = app.main.panels[0]
        app.main.select(panel.grid.rows[0].cells[0].name)
        await pilot.press("h")
        await pilot.pause()
        heat = panel.heatmap
        values = heat.blocks[0].values
        assert values is not None
        rows = values.shape[-2]
        assert heat._layouts[0].lines == rows  # one pixel row a line, not two
        drawn = "".join(s.text for s in heat.render_line(1))  # the first row of pixels
        assert set(drawn.strip()) <= set(" .:-=+*#%@")
        assert drawn.strip()


def test_the_filter_keeps_every_width_and_every_control():
    line = [Segment("╭─ δ·σ ─╮"), Segment("\x1b[2J", None, []), Segment("推导 📁 m̂ ▀▄█")]
    filtered = AsciiFilter().apply(line, background=None)  # type: ignore[arg-type]
    assert [s.text for s in filtered] == ["+- d.s -+", "\x1b[2J", "推导 [] m ^=#"]
    assert [cell_len(s.text) for s in filtered] == [cell_len(s.text) for s in line]
    assert filtered[1] is line[1]  # a control sequence passes untouched


def test_styles_move_with_the_spelled_characters(ascii_only):
    from rich.text import Text

    text = Text("δ_out = ")
    text.append("−0.294", style="bold")
    spelled = shown_text(text)
    assert spelled.plain == "delta_out = -0.294"
    assert [spelled.plain[s.start:s.end] for s in spelled.spans] == ["-0.294"]


def test_ascii_snapshot_after_backward(snap_compare):
    async def backward(pilot) -> None:
        await pilot.press("escape", "F", "B")
        pilot.app.main.select("fc.delta[0]")
        await pilot.pause()

    with using_ascii():
        assert snap_compare(CnnTuiApp(load("tiny-cnn")), terminal_size=SIZE, run_before=backward)


async def test_chinese_in_a_file_stays_chinese(ascii_only, tiny_copy):
    """A scenario named in Chinese keeps its name (wide everywhere); its dash and Greek go ASCII."""
    tiny_copy.write_text(tiny_copy.read_text(encoding="utf-8").replace(
        "name: tiny-cnn — the notes' 1-D CNN", "name: 推导 — σ 正向传播"), encoding="utf-8")
    app = CnnTuiApp(load(str(tiny_copy)))
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("escape")
        await pilot.pause()
        text = screen_text(app)
        assert "推导 -- sigma 正向传播" in text
        assert not foreign(text)


async def test_the_grade_browser_is_ascii(ascii_only, tmp_path):
    """``cnn-tui grade --tui --ascii``: the students' table and its frames in ASCII."""
    from core.teacher.exercise import make_exercise
    from core.teacher.grade import grade_file
    from core.teacher.key import read_key
    from core.teacher.tolerance import Tolerance
    from tui.grade_app import GradeApp

    make_exercise(load("tiny-cnn"), "tiny-cnn", ["ana"], 1, "out.delta", Tolerance("decimals", 3), "after",
                  str(tmp_path / "hw"), pdf=False)
    key_file = tmp_path / "hw" / "key.yaml"
    results = [grade_file(read_key(key_file), str(key_file), tmp_path / "hw" / "ana.yaml")]
    app = GradeApp(results, "tiny-cnn — σ")
    async with app.run_test(size=SIZE) as pilot:
        for keys in ([], ["tab", "down"]):
            await pilot.press(*keys)
            await pilot.pause()
            text = screen_text(app)
            assert not foreign(text), f"{foreign(text)!r}:\n{text}"
        assert "+-" in text
