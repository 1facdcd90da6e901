"""The dialogs, the network editor and the panels' own words in Simplified Chinese (issue 14).

Each test speaks Chinese (``using_language("zh")``), opens a dialog or a panel the way a
learner does and reads its words; the numbers, quantity names, key names and file names
in them stay exactly as the English shows them.
"""

from __future__ import annotations

import re

import pytest
from rich.cells import cell_len
from test_training_ui import train, wait_for_training
from textual.widgets import Button, DataTable, Input, Label, OptionList, RadioButton, Static
from tui_helpers import SIZE, derivation, press

from core.i18n import language, using_language
from core.numbers import fmt
from core.scenario.catalog import load
from core.scenario.load import load_scenario
from tui.app import CnnTuiApp
from tui.problem import problem
from tui.screens.confirm_screen import ConfirmScreen
from tui.screens.editor_screen import EditorScreen
from tui.screens.export_screen import ExportScreen
from tui.screens.messages_screen import MessagesScreen
from tui.screens.open_screen import OpenScreen
from tui.screens.quiz_screen import QuizScreen
from tui.screens.restore_screen import RestoreScreen
from tui.screens.samples_screen import SamplesScreen
from tui.screens.save_screen import SaveScreen
from tui.screens.train_screen import TrainScreen
from tui.widgets.bars.key_bar import KeyBar
from tui.widgets.quiz.quiz_bar import AnswerInput

NUMBER = re.compile(r"−?\d+(?:[.,]\d+)*")


def words(screen) -> list[str]:
    """Every label of a dialog, as shown."""
    return [str(label.content) for label in screen.query(Label)]


def prompts(options: OptionList) -> list[str]:
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


def logged(app: CnnTuiApp) -> list[str]:
    return app.main.messages.log.texts


async def test_the_save_as_dialog_speaks_chinese(app):
    with using_language("zh"):
        async with app.run_test(size=SIZE) as pilot:
            await press(pilot, "S")
            await pilot.pause()
            assert isinstance(app.screen, SaveScreen)
            said = words(app.screen)
            assert "将场景（当前的权重和样本）另存为：" in said
            assert "enter 保存 · escape 取消" in said  # key names stay as the keyboard writes them
            assert app.screen.query_one("#save-path", Input).value.endswith("tiny-cnn.yaml")


async def test_saving_onto_a_folder_is_refused_in_the_dialog_and_the_dialog_stays_chinese(app, tmp_path):
    folder = tmp_path / "a-folder"
    folder.mkdir()
    with using_language("zh"):
        async with app.run_test(size=SIZE) as pilot:
            await press(pilot, "S")
            await pilot.pause()
            app.screen.query_one("#save-path", Input).value = str(folder)
            await press(pilot, "enter")
            await pilot.pause()
            assert isinstance(app.screen, SaveScreen)  # opened again, with why
            error = str(app.screen.query_one("#save-error", Label).content)
            assert error.startswith("未保存：") and error.endswith(f"{folder.name}: 这是文件夹：请给出文件名")
            assert "将场景（当前的权重和样本）另存为：" in words(app.screen)
            assert app.screen.query_one("#save-path", Input).value == str(folder)
            assert not any(folder.iterdir())  # nothing written
        assert logged(app)[-1] == error  # the message line and the log say the same, in Chinese


async def test_the_export_dialog_speaks_chinese_and_keeps_the_formats_names(app):
    with using_language("zh"):
        async with app.run_test(size=SIZE) as pilot:
            await press(pilot, "n", "e")
            await pilot.pause()
            assert isinstance(app.screen, ExportScreen)
            said = words(app.screen)
            assert "导出本次迭代：先选格式（↑↓），再填文件" in said
            assert "每个公式及其数值，以及各项校验" in said  # what Markdown holds, highlighted first
            assert "enter 写入 · tab：格式 ↔ 文件 · escape 取消" in said
            options = app.screen.query_one(OptionList)
            assert prompts(options) == ["Markdown (.md)", "LaTeX (.tex)", "PyTorch 脚本 (.py)"]
            await press(pilot, "down")
            await pilot.pause()
            about = str(app.screen.query_one("#export-about", Label).content)
            assert about == "内容同上，排成供 pdflatex 编译的文档"
            assert app.screen.query_one("#export-path", Input).value.endswith(".tex")


async def test_the_train_dialog_speaks_chinese_and_refuses_a_count_in_chinese(app):
    with using_language("zh"):
        async with app.run_test(size=SIZE) as pilot:
            await press(pilot, "t")
            await pilot.pause()
            assert isinstance(app.screen, TrainScreen)
            said = words(app.screen)
            assert "从这里开始在后台训练（escape 停止；之后按 z 全部撤销）。" in said
            per_epoch = len(app.stepper.scenario.samples) // app.stepper.batch_size
            assert f"一轮是 {per_epoch:,} 次迭代（每个训练样本各用一次）。" in said
            assert [str(b.label) for b in app.screen.query(RadioButton)] == ["轮", "迭代"]
            assert "多少？" in said
            app.screen.query_one("#train-count", Input).value = "0"
            await press(pilot, "enter")
            await pilot.pause()
            assert isinstance(app.screen, TrainScreen)  # refused: the dialog stays to be corrected
            unit = app.screen.unit
            most = 10_000_000 // (per_epoch if unit == "epochs" else 1)
            wanted = f"请选择 1 到 {most:,} 轮" if unit == "epochs" else f"请选择 1 到 {most:,} 次迭代"
            assert str(app.screen.query_one("#train-error", Label).content) == wanted
        assert logged(app)[-1] == f"未训练：{wanted}"  # kept in the message log, in Chinese too


async def test_the_quiz_dialog_and_the_quiz_speak_chinese_with_the_same_names_and_numbers(app):
    with using_language("zh"):
        async with app.run_test(size=SIZE) as pilot:
            await press(pilot, "Q")
            await pilot.pause()
            assert isinstance(app.screen, QuizScreen)
            said = words(app.screen)
            assert "测验：接下来的值会被隐藏，由你来计算。要问哪些？" in said
            options = app.screen.query_one(OptionList)
            shown = prompts(options)
            assert shown[0] == "整个迭代：按顺序问每个值"
            assert "  只问正向传播的值" in shown and "  只问误差项（∂out 与 δ）" in shown
            layers = [layer.name for layer in app.stepper.network.layers]
            assert [p for p in shown if p.startswith("  只问层 ")] == [f"  只问层 {name}" for name in layers]
            options.highlighted = options.get_option_index(f"layer-{layers[0]}")
            await press(pilot, "space")  # picked: ticked, in Chinese
            assert f"✓ 只问层 {layers[0]}" in prompts(options)
            options.highlighted = options.get_option_index("all")
            await press(pilot, "enter")
            await pilot.pause()
            box = app.query_one(AnswerInput)
            assert box.placeholder == "你的值"
            assert str(app.query_one("#quiz-hint", Label).content) == "enter 检查 · ctrl+r 揭晓 · escape 退出"
            keys = app.main.query_one(KeyBar).text  # the answer box's own keys, in the key bar
            assert "退出测验" in keys and "揭晓" in keys
            question = app.main.quiz_mode.quiz.current
            assert f"{question} = ?" in derivation(app)
            assert "用显示的值算出它，在下方输入；作答后会显示代入数值的公式" in derivation(app)
            box.value = "9.00"  # typed to the decimals shown
            await press(pilot, "enter")
            await pilot.pause()
            text = derivation(app)
            exact = fmt(app.stepper.value(question), max(app.main.decimals, 3) + 1)
            assert f"✗ {question}：你输入的是 9.0，正确值是 {exact}" in text  # the number as the English shows it


async def test_the_open_dialog_speaks_chinese_and_refuses_an_empty_path_in_chinese(app):
    with using_language("zh"):
        async with app.run_test(size=SIZE) as pilot:
            await press(pilot, "o")
            await pilot.pause()
            assert isinstance(app.screen, OpenScreen)
            said = words(app.screen)
            assert "打开场景：输入路径（→ 接受显示的补全），或在下方选择文件" in said
            assert any(w.startswith("内置：") and "tiny-cnn" in w for w in said)
            assert app.screen.query_one("#open-path", Input).placeholder == "path/to/scenario.yaml 或 tiny-cnn"
            await press(pilot, "enter")
            await pilot.pause()
            assert str(app.screen.query_one("#open-error", Static).content) == "请输入路径或内置场景名"


async def test_the_message_log_speaks_chinese(app):
    with using_language("zh"):
        async with app.run_test(size=SIZE) as pilot:
            await press(pilot, "m")
            await pilot.pause()
            assert isinstance(app.screen, MessagesScreen)
            assert words(app.screen)[0] == "本次会话的消息，最新的在最后 · ↑↓ page up/down 滚动 · escape 或 m 关闭"


async def test_the_sample_picker_speaks_chinese():
    app = CnnTuiApp(load("digits"))
    with using_language("zh"):
        async with app.run_test(size=SIZE) as pilot:
            await press(pilot, "escape", "l")
            await pilot.pause()
            assert isinstance(app.screen, SamplesScreen)
            question = str(app.screen.query_one("#samples-question", Label).content)
            assert question.startswith("本次迭代用") and "（enter；escape：保持不变）。" in question
            preview = app.screen.query_one("#samples-preview", Static).content
            first = app.stepper.sample_indices()[0]
            label = int(app.stepper.scenario.samples.labels[first])
            assert getattr(preview, "plain", str(preview)).startswith(f"样本 {first + 1} · 标签 {label}")


async def test_the_network_editor_speaks_chinese_and_its_refusals_too(app):
    with using_language("zh"):
        async with app.run_test(size=SIZE) as pilot:
            await press(pilot, "escape", "N")
            await pilot.pause()
            editor = app.screen
            assert isinstance(editor, EditorScreen)
            title = str(editor.query_one("#editor-title", Static).content)
            assert title == f"网络编辑器 — {app.stepper.scenario.name}"
            table = editor.query_one(DataTable)
            assert [str(c.label) for c in table.columns.values()][1:] == ["读取", "产生", "参数", "文件中的写法"]
            network = app.stepper.network
            summary = str(editor.query_one("#editor-summary", Static).content)
            assert summary.startswith(f"{len(network.layers)} 层 · 输出 {list(network.output_shape)} · ")
            assert summary.endswith(" 个样本")
            first = table.get_row_at(0)
            assert str(first[0]) == "第 1 层"
            message = editor.query_one("#editor-message", Static)
            table.move_cursor(row=table.row_count - 1)  # a setting: it cannot be removed
            await press(pilot, "x")
            assert str(message.content) == "请选择要删除的层（设置不能删除）" and message.has_class("error")
            await press(pilot, "z")
            assert str(message.content) == "编辑器里没有可撤销的修改"
            table.move_cursor(row=len(network.layers) - 2)  # the layer before the output layer
            await press(pilot, "a")  # a change: leaving now asks first, in Chinese
            await pilot.pause()
            added = f"已添加一个 dense 层作为第 {len(network.layers)} 层：enter 修改它的类型和字段，K/J 移动它"
            assert str(message.content) == added
            await press(pilot, "escape")
            await pilot.pause()
            assert isinstance(app.screen, ConfirmScreen)
            assert str(app.screen.query_one("#question", Label).content) == "离开编辑器，放弃对设计的修改？"
            assert [str(b.label) for b in app.screen.query(Button)] == ["是 (y)", "否 (n)"]
            await press(pilot, "n")
            await pilot.pause()
            assert str(message.content) == "已保留设计（o 打开它逐步演算）"


async def test_the_derivation_panel_speaks_chinese_with_the_same_numbers_and_names(tmp_path, monkeypatch):
    async def shown_after_backward(select: str) -> str:
        monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / select / language()))  # no session offered back
        app = CnnTuiApp(load("tiny-cnn"))
        async with app.run_test(size=SIZE) as pilot:
            for key in ("F", "B"):
                await press(pilot, key)
                await pilot.pause()
            app.main.select(select)
            await pilot.pause()
            return derivation(app)

    english = await shown_after_backward("fc.delta[0]")  # the notes' slip: expected −0.026 ✗
    with using_language("zh"):
        chinese = await shown_after_backward("fc.delta[0]")
    assert "期望值 −0.026 ✗" in chinese and "— 精确值为 " in chinese
    assert "可能的失误：" in chinese and "likely slip" not in chinese
    assert NUMBER.findall(chinese) == NUMBER.findall(english)  # every number, in the same order
    assert "fc.delta[0]" in chinese


async def test_the_training_panel_speaks_chinese(app):
    with using_language("zh"):
        async with app.run_test(size=SIZE) as pilot:
            await train(pilot, "3", "iterations")
            await wait_for_training(pilot)
            panel = app.main.query_one("#train-panel")
            assert panel.border_title == "训练"
            summary = panel.summary
            assert "每次迭代的损失" in summary and " · 3 次迭代" in summary
            assert "每轮：—（本次按迭代计数）" in summary
            losses = app.main.training.log.losses
            assert len(losses) == 3


async def test_the_story_panel_speaks_chinese():
    app = CnnTuiApp(load("digits"))
    with using_language("zh"):
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            intro = app.main.query_one("#intro")
            assert intro.border_title == "场景"
            keys = intro.query_one("#intro-keys", Static).content
            text = getattr(keys, "plain", str(keys))
            assert text.startswith("开始：f ") and "（按任意键关闭；i 再次显示）" in text


async def test_a_session_left_behind_is_offered_back_in_chinese(tiny_copy):
    first = CnnTuiApp(load_scenario(tiny_copy))
    async with first.run_test(size=SIZE) as pilot:
        await press(pilot, "f", "f", "f")
    with using_language("zh"):
        second = CnnTuiApp(load_scenario(tiny_copy))
        async with second.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert isinstance(second.screen, RestoreScreen)
            question = str(second.screen.query_one("#question", Label).content)
            assert question.startswith("恢复 ") and question.endswith("未保存的会话吗？（3 处修改）")
            assert [str(b.label) for b in second.screen.query(Button)] == ["恢复 (r)", "丢弃 (d)"]
            await press(pilot, "r")
            await pilot.pause()
            assert logged(second)[-1].startswith("已恢复 ") and "的会话：3 处修改 · 下一步：" in logged(second)[-1]


def test_a_failure_outside_the_app_is_worded_in_chinese():
    with using_language("zh"):
        assert problem(MemoryError()) == "内存不足，无法完成"
        assert problem(RecursionError()) == "数据嵌套太深"
    assert problem(MemoryError()) == "not enough memory for this"


@pytest.mark.parametrize("keys", [("Q",), ("n", "e"), ("S",), ("t",), ("o",), ("m",)])
async def test_chinese_dialog_sentences_wrap_inside_the_dialog_at_80_by_24(app, keys):
    """A Chinese character takes two cells: every label still ends inside the dialog and is
    as many lines high as its cells need (nothing cut off)."""
    with using_language("zh"):
        async with app.run_test(size=(80, 24)) as pilot:
            await press(pilot, *keys)
            await pilot.pause()
            dialog = app.screen.query_one(".dialog")
            labels = [label for label in app.screen.query(Label) if str(label.content)]
            assert any(re.search(r"[\u4e00-\u9fff]", str(label.content)) for label in labels)
            for label in labels:
                text = str(label.content)
                assert label.region.right <= dialog.content_region.right, text
                assert label.region.width * label.region.height >= cell_len(text), text


async def test_the_grade_browser_speaks_chinese(tmp_path):
    from textual.widgets import Footer

    from core.teacher.exercise import make_exercise
    from core.teacher.grade import grade_file
    from core.teacher.key import read_key
    from core.teacher.tolerance import Tolerance
    from tui.grade_app import GradeApp

    make_exercise(load("tiny-cnn"), "tiny-cnn", ["ana"], 2, "fc:deltas, out.delta", Tolerance("decimals", 3),
                  "after", tmp_path, pdf=False)
    handed = tmp_path / "handed.yaml"
    handed.write_text((tmp_path / "ana.yaml").read_text() + "expected:\n  out.delta[0]: 0.5\n")
    key = tmp_path / "key.yaml"
    with using_language("zh"):
        app = GradeApp([grade_file(read_key(key), str(key), handed)], "tiny-cnn")
        async with app.run_test(size=SIZE) as pilot:
            students = app.query_one("#students", DataTable)
            assert [str(c.label) for c in students.columns.values()] == ["学生", "得分", "备注"]
            assert students.get_row_at(0)[:2] == ["ana", "0/6"]  # ids and scores as they are
            answers = app.query_one("#answers", DataTable)
            assert [str(c.label) for c in answers.columns.values()] == ["值", "学生的值", "精确值", "判定", "失误"]
            rows = [answers.get_row_at(i) for i in range(answers.row_count)]
            assert rows[0][:2] == ["out.delta[0]", "0.5"] and rows[0][3] == "错误"
            assert all(row[3] == "未作答" for row in rows[1:])
            assert str(app.query_one("#detail", Static).content) == "out.delta[0]：错误"
            await press(pilot, "tab", "down")
            await pilot.pause()
            assert str(app.query_one("#detail", Static).content).startswith("out.delta[1]：未作答")
            footer = app.query_one(Footer)  # shows the app's keys that show, in the language spoken
            shown = {b.description for _n, b, _e, _t in footer.screen.active_bindings.values() if b.show}
            assert "退出" in shown and "quit" not in shown


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_epoch_table_s_headings_stay_over_their_columns_in_both_languages(lang):
    """Each heading ends in the cell its column's numbers end in (a Chinese character is two cells)."""
    from core.engine.training import EpochStats
    from tui.widgets.training.loss_chart import epochs_text
    from tui.widgets.training.training_log import TrainingLog

    log = TrainingLog(epochs=[EpochStats(1, 0.5, 0.75, 0.6, 0.5), EpochStats(12, 0.25, 0.875, 0.4, 0.625)])
    with using_language(lang):
        head, *rows, note = epochs_text(log).plain.split("\n")

    def ends(line: str) -> list[int]:  # the cell after each run of non-spaces
        out, cells = [], 0
        for j, ch in enumerate(line):
            cells += cell_len(ch)
            if ch != " " and (j + 1 == len(line) or line[j + 1] == " "):
                out.append(cells)
        return out

    assert rows == ["    1  0.500   75.0%     50.0%", "   12  0.250   87.5%     62.5%"]
    assert ends(head) == ends(rows[0]) == ends(rows[1])
    if lang == "zh":
        assert head.split() == ["轮", "损失", "训练", "留出集"]
        assert note == "训练：在该轮的迭代中统计"
    else:
        assert head == "epoch   loss   train  held-out"
        assert note == "train: counted during the epoch"  # what the training accuracy is (EpochStats)


async def test_a_computed_value_refused_for_editing_is_said_in_chinese_throughout() -> None:
    """Found in user testing: the refusal's list of what may be edited stayed English."""
    from tui_helpers import message

    with using_language("zh"):
        app = CnnTuiApp(load("tiny-cnn"))
        async with app.run_test(size=SIZE) as pilot:
            await press(pilot, "space")  # conv's forward: a computed value to select
            app.main.select("conv.out[0,0]")
            await press(pilot, "enter")
            said = message(app)
            assert "conv.out[0,0] 是算出来的，不是给定的：" in said
            assert "只能编辑权重" in said and "weights" not in said, said  # what may be edited, in Chinese too
