"""Issue 14: core's messages in Simplified Chinese — a scenario file's line-numbered errors,
numbers refused, the stepper's refusals and edits, training's divergence — with the same file,
line, field, quantity names and numbers as in English."""

from __future__ import annotations

import numpy as np
import pytest
from fixtures.diverging import diverging

from core.engine.stepper import Stepper
from core.engine.training import Trainer
from core.errors import CnnTuiError, EditError, QuantityError, ScenarioError, StepError, TrainingDiverged
from core.i18n import using_language
from core.numbers import parse_count, parse_number
from core.scenario.catalog import load
from core.scenario.load import parse_scenario
from core.text import describe, quote

HEAD = "format: 1\nname: bad\ninput: [1, 4]\nsamples: [{x: [[1, 2, 3, 4]], y: [0.5, 0.5]}]\n"
TAIL = "loss: mse\nlearning_rate: 0.1\n"


def _refusal(text: str) -> tuple[str, str]:
    """The message for ``text`` in English and in Chinese."""
    said = []
    for lang in ("en", "zh"):
        with using_language(lang), pytest.raises(ScenarioError) as caught:
            parse_scenario(text, file="bad.yaml")
        said.append(str(caught.value))
    return said[0], said[1]


@pytest.mark.parametrize(("layers", "english", "chinese"), [
    ("layers:\n  - {type: dense, units: two}\n",
     "bad.yaml:6: layers[0].units: expected a whole number, got the text 'two'",
     "bad.yaml:6: layers[0].units: 应为整数，实际为 文本 'two'"),
    ("layers:\n  - {type: dense, units: 2, colour: red}\n",
     "bad.yaml:6: layers[0].colour: unknown field 'colour' for a dense layer (expected one of: name, type, "
     "inputs, units, activation, weight, bias, frozen, init, negative_slope)",
     "bad.yaml:6: layers[0].colour: dense 层没有字段 'colour'（可用：name, type, inputs, units, activation, "
     "weight, bias, frozen, init, negative_slope）"),
    ("layers:\n  - {type: dense, units: 2, name: fc}\n  - {type: dense, units: 2, name: fc}\n",
     "bad.yaml:7: layers[1].name: the layer name 'fc' is used twice",
     "bad.yaml:7: layers[1].name: 层名 'fc' 用了两次"),
    ("layers:\n  - {type: dense, units: 2}\n  - {type: add, inputs: [dense1]}\n",
     "bad.yaml:7: layers[1].inputs: an add layer reads two or more inputs, got 1",
     "bad.yaml:7: layers[1].inputs: add 层读取 2 个或更多输入，实际为 1"),
])
def test_a_bad_layer_is_told_with_its_line_in_both_languages(layers: str, english: str, chinese: str) -> None:
    en, zh = _refusal(HEAD + layers + TAIL)
    assert en == english
    assert zh == chinese


def test_yaml_faults_in_chinese_keep_the_line() -> None:
    en, zh = _refusal(HEAD + "layers: [{type: dense, units: 2}]\nloss: mse\nloss: mse\nlearning_rate: 0.1\n")
    assert en == "bad.yaml:7: loss: 'loss' is given twice"
    assert zh == "bad.yaml:7: loss: 'loss' 给了两次"
    en, zh = _refusal(HEAD + "layers: [{type: dense, units: 2}]\nloss: *x\nlearning_rate: 0.1\n")
    assert en.startswith("bad.yaml:6: ") and en.endswith("YAML aliases (*name) are not allowed: write the value out")
    assert zh.startswith("bad.yaml:6: ") and zh.endswith("不允许使用 YAML 别名（*name）：请把值完整写出")


def test_a_missing_field_and_a_wrong_format_in_chinese() -> None:
    with using_language("zh"), pytest.raises(ScenarioError) as caught:
        parse_scenario("format: 1\nname: x\n")
    assert str(caught.value) == ("<场景>:1: 缺少必需字段 'input'（场景需要：format, name, input, samples, layers, "
                                 "loss, learning_rate）")
    _, zh = _refusal("format: 2\n" + HEAD[10:] + "layers: [{type: dense, units: 2}]\n" + TAIL)
    assert zh == "bad.yaml:1: format: 不支持格式 2（此版本 cnn-tui 读取格式 1）"


def test_numbers_refused_in_chinese() -> None:
    with using_language("zh"):
        with pytest.raises(ValueError) as caught:
            parse_number("1,5")
        assert str(caught.value) == "'1,5'：小数点请写作 '.'（1.5），而不是 ','"
        with pytest.raises(ValueError) as caught:
            parse_number("abc")
        assert str(caught.value) == "'abc' 不是数：请输入 ASCII 数字，小数点用一个 '.'，例如 0.25、−1.5 或 2e-3"
        with pytest.raises(ValueError) as caught:
            parse_count("-3")
        assert str(caught.value) == "'-3' 不是整数：请输入 ASCII 数字，例如 10 或 1,000"
        assert describe([1, 2, 3]) == "含 3 项的列表" and describe(0.5) == "数 0.5" and describe(None) == "无"
        assert quote("x" * 100) == "x" * 80 + "…（还有 20 个字符）"
    assert quote("x" * 100) == "x" * 80 + "… (20 more characters)"


def test_stepping_in_chinese_computes_the_same_numbers_and_names() -> None:
    english = Stepper(load("tiny-cnn"))
    english.run_iteration()
    with using_language("zh"):
        stepper = Stepper(load("tiny-cnn"))
        assert stepper.phase().describe() == "正向 1/4：conv"
        with pytest.raises(StepError) as caught:
            stepper.step_backward()
        assert str(caught.value) == "反向传播从损失开始：请先完成正向传播（下一步：正向 1/4：conv）"
        with pytest.raises(QuantityError) as caught:
            stepper.value("fc.out[0]")
        assert str(caught.value) == "fc.out[0] 还没有算出（阶段：正向 1/4：conv）"
        assert stepper.step_forward() == "正向 1/4：conv"
        assert stepper.forward_all() == "正向传播"
        assert stepper.undo() == "整个正向传播"
        assert stepper.run_iteration() == "第 1 次迭代"
        with pytest.raises(StepError) as caught:
            stepper.step_backward()
        assert str(caught.value) == "反向传播已完成（下一步：下一次迭代的正向传播）"
        with pytest.raises(EditError) as caught:
            stepper.edit("fc.out[0]", 1.0)
        assert str(caught.value).startswith("fc.out 是算出来的，不是给定的：只能编辑权重")
        assert stepper.phase().describe() == "已更新"
        for name in ("out.out[0]", "fc.delta[0]", "out.new_weight[0,0]"):
            assert stepper.value(name) == english.value(name)  # the very same numbers
        assert stepper.set_hand_rounding(3).startswith("手算舍入开：每个值（包括初始权重）在使用前都舍入到 3 位小数")
    assert english.phase().describe() == "updated"


def test_training_diverged_in_chinese_says_where_and_what_to_try() -> None:
    for lang in ("en", "zh"):
        with using_language(lang), pytest.raises(TrainingDiverged) as caught:
            Trainer(diverging()).run_epochs(100_000)
        if lang == "en":
            english = caught.value
            assert str(english).startswith(f"training diverged in epoch {english.epoch} at iteration "
                                           f"{english.iteration}: the loss reached ")
    chinese = caught.value
    assert (chinese.epoch, chinese.iteration, chinese.value) == (english.epoch, english.iteration, english.value)
    assert str(chinese).startswith(f"训练在第 {chinese.epoch} 轮第 {chinese.iteration} 次迭代发散：损失达到 ")
    assert "请试试比 " in str(chinese) and "更小的 learning_rate" in str(chinese)


def test_an_unknown_quantity_in_chinese_names_the_layers() -> None:
    with using_language("zh"):
        stepper = Stepper(load("tiny-cnn"))
        with pytest.raises(CnnTuiError) as caught:
            stepper.value("nope.out[0]")
    assert str(caught.value) == "没有层 'nope'（现有的层：conv, pool, fc, out）"
    assert np.isfinite(stepper.scenario.learning_rate)
