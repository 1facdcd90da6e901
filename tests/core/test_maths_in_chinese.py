"""Issue 14, the maths' words: under Chinese, derivations, slips, checks and the quiz say
their words in Simplified Chinese, while every formula, number and quantity name stays the
very text English writes (a learner comparing the two sees the same maths)."""

from __future__ import annotations

import re

import numpy as np
import pytest
from fixtures.formula_check import check_line, derivation_lines
from fixtures.helpers import build, run_one_iteration, scenario_text
from fixtures.modern_graph import graph_scenario

from core.engine.quantities import KINDS, kind_title
from core.engine.stepper import Stepper
from core.errors import QuantityError, ScenarioError
from core.explain.derivation import Derivation
from core.explain.explainer import explain
from core.exports.report import render_text, solve
from core.i18n import using_language
from core.learner.checks import run_checks, tally
from core.learner.diagnosis import diagnose
from core.learner.gradcheck import gradient_check
from core.learner.quiz import Quiz
from core.nn.optim import parse_optimizer
from core.scenario.catalog import bundled_names, load

CJK = re.compile(r"[\u4e00-\u9fff]")
# words of a note that are names, not English (units, the loss's name, torch, the file's keys)
NAMES = {"softmax", "sigmoid", "relu", "tanh", "gelu", "leaky_relu", "linear", "flatten", "dropout", "torch",
         "PyTorch", "Adam", "AdamW", "RMSprop", "SGD", "cross_entropy", "binary_cross_entropy", "squared_error",
         "xavier", "uniform", "zeros", "logits", "logit", "alpha", "conv", "pool", "skip", "drop", "batch_size"}


@pytest.fixture(scope="module")
def tiny() -> Stepper:
    return run_one_iteration(load("tiny-cnn"))


def both(stepper: Stepper, name: str, **options: object) -> tuple[Derivation, Derivation]:
    english = explain(stepper, name, 3, **options)  # type: ignore[arg-type]
    with using_language("zh"):
        chinese = explain(stepper, name, 3, **options)  # type: ignore[arg-type]
    return english, chinese


def english_words(text: str) -> set[str]:
    """The English words of a text (four letters or more), names of units and settings aside."""
    return {w for w in re.findall(r"[A-Za-z_]{4,}", text) if w not in NAMES}


def assert_same_maths(english: Derivation, chinese: Derivation) -> None:
    assert chinese.lines() == english.lines()  # symbol = formula = numbers = value, byte for byte
    assert (chinese.name, chinese.symbol, chinese.formula, chinese.substituted, chinese.value_text) == \
        (english.name, english.symbol, english.formula, english.substituted, english.value_text)
    assert len(chinese.steps) == len(english.steps)
    for en_step, zh_step in zip(english.steps, chinese.steps):  # the Jacobian's lines: formulas, a word or two
        assert re.sub(r"[^\s=·()−+/]+", "", en_step)[:8] == re.sub(r"[^\s=·()−+/]+", "", zh_step)[:8]
        assert english_words(zh_step) <= english_words(en_step) - {"with", "here", "targets"}
    assert CJK.search(chinese.title), chinese.title
    assert len(chinese.notes) == len(english.notes)
    for en_note, zh_note in zip(english.notes, chinese.notes):
        if english_words(en_note):  # a note in words (not a formula alone) is said in Chinese
            assert CJK.search(zh_note), (en_note, zh_note)
            assert not english_words(zh_note) - english_words(en_note) - {"weight", "bias"}


# --- tiny-cnn, the notes' worked example ---------------------------------------------------------

def test_a_forward_value_in_chinese(tiny: Stepper) -> None:
    en, zh = both(tiny, "conv.net[0,0]")
    assert_same_maths(en, zh)
    assert zh.title == "conv 层的激活前的值（净输入）z"
    with using_language("zh"):
        assert zh.text().splitlines() == [f"conv.net[0,0] — {zh.title}", *en.lines(),
                                          "  互相关：输出位置 [0] 处的窗口，步长 1"]
    assert en.notes == ("cross-correlation: window at output position [0], stride 1",)
    en, zh = both(tiny, "out.weight[0,0]")
    assert zh.title == "out 层的正向传播所用的权重" and zh.notes == ("场景中给定的值",)
    assert en.title == "weight used by the forward pass of out" and en.notes == ("as given in the scenario",)


def test_a_delta_in_chinese_is_the_notes_coef_with_its_derivation(tiny: Stepper) -> None:
    en, zh = both(tiny, "out.delta[0]")
    assert_same_maths(en, zh)
    assert zh.one_line() == en.one_line() == "δ_out[0] = a_out[0] − y[0] = 0.706 − 1 = −0.294"
    assert "系数" in zh.title and zh.title.startswith("out 层的δ = ∂C/∂net")
    assert zh.notes == ("softmax + 交叉熵：∂C/∂z_i = a_i − y_i（目标之和为 1）；可查看此结果的雅可比推导",)
    with using_language("zh"):  # the words of the text are said as it is written
        text, markdown = zh.text(with_steps=True), zh.markdown(with_steps=True)
    assert "\n  推导：\n    a_i = e^(z_i) / Σ_k e^(z_k)" in text and "derivation:" not in text
    assert "\n\n推导：\n\n```\n" in markdown and "Derivation:" in en.markdown(with_steps=True)
    assert zh.steps[1] == "∂C/∂z_i = Σ_j ∂C/∂a_j · ∂a_j/∂z_i,   其中 ∂C/∂a_j = −y_j / a_j"
    assert zh.steps[-1] == "        = a_i − y_i   （目标之和为 1）   此处：0.706 − 1"
    assert en.steps[-1] == "        = a_i − y_i   (the targets sum to 1)   here: 0.706 − 1"


def test_a_hidden_delta_says_what_the_backward_pass_routes(tiny: Stepper) -> None:
    en, zh = both(tiny, "fc.delta[0]")
    assert_same_maths(en, zh)
    assert zh.notes == ("'out' 中读取此输出的每个神经元都传回 δ·w", "sigmoid 的 f′：a·(1 − a)")
    en, zh = both(tiny, "conv.grad_out[0,1]")  # the max of its pool window
    assert_same_maths(en, zh)
    assert zh.notes == ("此值是窗口 a_pool[0,0] 的最大值，所以得到该窗口的梯度",)


def test_a_gradient_and_an_update_in_chinese(tiny: Stepper) -> None:
    en, zh = both(tiny, "out.grad_weight[0,0]")
    assert_same_maths(en, zh)
    assert zh.title == "out 层的损失对此权重的梯度" and zh.notes == ("∂C/∂w_ij = δ_i ·（它所乘的输入）",)
    en, zh = both(tiny, "out.new_weight[0,0]")
    assert_same_maths(en, zh)
    assert zh.one_line() == en.one_line()
    assert "0.1 − 0.5·(−0.294)·0.608" in zh.one_line() and zh.value_text == "0.189"
    assert zh.title == "out 层 SGD 更新后的权重" and en.title == "weight after the SGD update of out"
    assert zh.notes == ("SGD: w ← w − α·∂C/∂w，其中 ∂C/∂w = δ·（其输入）",)
    en, zh = both(tiny, "conv.new_bias[0]")  # the gradient not written in: the rule names the parameter
    assert zh.notes == ("SGD: 偏置 ← 偏置 − α·∂C/∂偏置",) and en.notes == ("SGD: bias ← bias − α·∂C/∂bias",)


def test_every_value_of_tiny_cnn_has_the_same_maths_in_both_languages(tiny: Stepper) -> None:
    for name in ("input", "target", "loss", *(f"{layer.name}.{kind}" for layer in tiny.network.layers
                                             for kind in tiny.network.kinds(layer))):
        arr = tiny.array(name)
        for idx in [()] if np.ndim(arr) == 0 else list(np.ndindex(np.shape(arr)))[:3]:
            element = name + ("" if not idx else "[" + ",".join(map(str, idx)) + "]")
            assert_same_maths(*both(tiny, element))


def test_a_shortened_sum_says_how_many_terms_it_leaves_out_in_chinese() -> None:
    stepper = run_one_iteration(load("digits"))
    en, zh = both(stepper, "out.net[0,0]", max_terms=6)
    assert en.hidden == zh.hidden > 0
    assert f"+ … ({en.hidden} more terms)" in en.substituted
    assert zh.substituted == en.substituted.replace(f"({en.hidden} more terms)", f"(还有 {en.hidden} 项)")
    assert zh.symbol == en.symbol and zh.value_text == en.value_text


def test_an_edited_value_and_hand_rounding_say_so_in_chinese() -> None:
    stepper = Stepper(load("tiny-cnn"))
    stepper.edit("out.weight[0,0]", 0.2)
    stepper.set_hand_rounding(2)
    stepper.run_iteration()
    en, zh = both(stepper, "out.weight[0,0]")
    assert en.notes == ("edited by you (it was 0.10)",) and zh.notes == ("已由你修改（原为 0.10）",)
    en, zh = both(stepper, "out.new_weight[0,0]")
    assert_same_maths(en, zh)
    en, zh = both(stepper, "input[0,0]")
    assert zh.notes == ("第 1 个样本（共 1 个），按给定值",) and en.notes == ("sample 1 of 1, as given",)


def test_the_not_computed_yet_messages_in_chinese() -> None:
    stepper = Stepper(load("tiny-cnn"))
    with using_language("zh"), pytest.raises(QuantityError) as caught:
        explain(stepper, "out.delta[0]")
    assert str(caught.value).startswith("out.delta[0] 尚未计算（下一步：")


def test_the_quantities_names_in_both_languages() -> None:
    assert kind_title("new_weight", "SGD") == "weight after the SGD update"
    assert kind_title("new_weight") == "weight after the update"
    assert kind_title("prev_momentum_buffer_weight") == KINDS["prev_momentum_buffer_weight"].title == \
        "momentum buffer of the weight before the update (the state it starts from)"
    assert kind_title("exp_avg_sq_bias") == KINDS["exp_avg_sq_bias"].title
    with using_language("zh"):
        assert kind_title("new_weight", "SGD") == "SGD 更新后的权重"
        assert kind_title("new_bias") == "更新后的偏置"
        assert kind_title("momentum_buffer_weight") == "权重更新后的动量缓冲"
        assert kind_title("prev_exp_avg_bias") == "偏置更新前的一阶矩 m（梯度的滑动平均）（更新由此开始）"
        assert kind_title("delta") == "δ = ∂E/∂net（讲义中的系数 coef）"
        assert all(CJK.search(kind_title(kind, "Adam")) for kind in KINDS)


# --- every bundled scenario: each kind of value, each unit's words ------------------------------

@pytest.mark.parametrize("scenario", bundled_names())
def test_every_kind_of_value_of_every_bundled_scenario(scenario: str) -> None:
    assert every_kind(run_one_iteration(load(scenario))) >= 10


def every_kind(stepper: Stepper) -> int:
    """Explain the first value of every array in both languages; how many were compared."""
    network = stepper.network
    names = ["input", "target", "loss"]
    for layer in network.layers:
        names += [f"{layer.name}.{kind}" for kind in (*network.kinds(layer), *network.start_state_kinds_of(layer))]
    explained = 0
    for name in names:
        arr = stepper.array(name)
        if arr is None:
            continue
        element = name if np.ndim(arr) == 0 else name + "[" + ",".join("0" for _ in np.shape(arr)) + "]"
        assert_same_maths(*both(stepper, element))
        explained += 1
    return explained


def test_gelu_add_global_pooling_frozen_parameters_and_binary_cross_entropy_in_chinese() -> None:
    stepper = run_one_iteration(graph_scenario())
    assert every_kind(stepper) >= 20
    en, zh = both(stepper, "c1.delta[0,0,0]")
    assert zh.notes[-1] == "gelu 的 f′：Φ(z) + z·φ(z)，其中 Φ(z) = 0.5·(1 + erf(z/√2))，φ(z) = e^(−z²/2)/√(2π)"
    en, zh = both(stepper, "head.new_weight[0,0]")
    assert zh.title == "head 层 SGD 更新后的权重" and zh.notes == ("权重已冻结：从不更新",)
    assert en.notes == ("weight is frozen: never updated",) and zh.lines() == en.lines()


@pytest.mark.parametrize("optimizer", ["{type: rmsprop, momentum: 0.9, weight_decay: 0.01}",
                                       "{type: adamw, weight_decay: 0.1}", "{type: adam, weight_decay: 0.1}",
                                       "{type: sgd, momentum: 0.9, nesterov: true, weight_decay: 0.01}"])
def test_every_optimizers_words_in_chinese(optimizer: str) -> None:
    layers = [{"name": "h", "type": "dense", "units": 2, "activation": "tanh"},
              {"name": "out", "type": "dense", "units": 2, "activation": "softmax"}]
    samples = [{"x": [0.5, -1.0], "y": [1, 0]}, {"x": [1.5, 0.25], "y": [0, 1]}]
    stepper = Stepper(build(scenario_text([2], layers, "cross_entropy", samples, 0.1, 2, seed=3,
                                          extra=f"optimizer: {optimizer}\n")))
    for _ in range(2):  # the second iteration starts from the first one's state
        stepper.run_iteration()
        assert every_kind(stepper) >= 20
        stepper.advance_to_next()


@pytest.mark.parametrize("scenario", ["tiny-cnn", "batchnorm-tiny"])
def test_the_formula_checker_reproduces_every_formula_of_the_chinese_solve_text(scenario: str) -> None:
    """A learner with a calculator reads the Chinese text as the English: the same formulas."""
    loaded = load(scenario)
    english = derivation_lines(render_text(loaded, solve(loaded, 2, explained=True)))
    with using_language("zh"):
        chinese = derivation_lines(render_text(loaded, solve(loaded, 2, explained=True)))
    assert len(chinese) == len(english) > 100
    differing = [(en, zh) for en, zh in zip(english, chinese) if en != zh]
    assert all(CJK.search(zh) for _, zh in differing)  # only a line in words differs
    assert len(differing) < len(english) / 2  # the chains of formulas are the very same lines
    assert not [line for line in chinese if check_line(line).problem]


def test_the_optimizers_words_in_chinese() -> None:
    stepper = run_one_iteration(load("adam-step"))
    en, zh = both(stepper, "out.new_weight[0,0]")
    assert_same_maths(en, zh)
    assert zh.title == "out 层 Adam 更新后的权重"
    assert any("第 t = 1 次更新的偏差校正" in note for note in zh.notes)
    assert any("一阶矩：g 的滑动平均；m 从 0 开始，与 torch 相同" in note for note in zh.notes)
    en, zh = both(stepper, "out.prev_exp_avg_weight[0,0]")
    assert zh.title == "out 层权重在第 1 次更新前的一阶矩 m（梯度的滑动平均）"
    assert zh.notes == ("未给出：从 0 开始，与 torch 相同",) and zh.lines() == en.lines()


def test_batch_norm_and_dropout_words_in_chinese() -> None:
    stepper = run_one_iteration(load("batchnorm-tiny"))
    en, zh = both(stepper, "bn.mean[0]")
    assert_same_maths(en, zh)
    assert zh.notes == ("批均值，取自批中通道 0 的 N = 4 个值（4 个样本）",)
    assert en.notes == ("the batch mean, over the N = 4 values of channel 0 in the batch (4 samples)",)
    stepper = run_one_iteration(load("dropout-tiny"))
    drop = next(layer.name for layer in stepper.network.layers if "mask" in layer.own_kinds())
    index = ",".join("0" for _ in np.shape(stepper.array(f"{drop}.out")))
    _, zh = both(stepper, f"{drop}.out[{index}]")
    assert zh.notes[0].startswith("dropout，p = ")


# --- the learner: checks, slips, quiz, gradient check -------------------------------------------

def test_a_slip_diagnosis_in_chinese_names_the_same_slip_and_number() -> None:
    stepper = run_one_iteration(load("tiny-cnn"))
    english = {c.name: c for c in run_checks(stepper, stepper.scenario.expected)}
    with using_language("zh"):
        chinese = {c.name: c for c in run_checks(stepper, stepper.scenario.expected)}
        rule = chinese["fc.delta[0]"].rule
        right = chinese["out.out[0]"].rule
        said = tally(list(chinese.values()))
    slip_en, slip_zh = english["fc.delta[0]"].diagnosis, chinese["fc.delta[0]"].diagnosis
    assert slip_en is not None and slip_zh is not None
    assert (slip_zh.slip, slip_zh.value) == (slip_en.slip, slip_en.value) == ("updated-weights", slip_en.value)
    assert slip_en.explanation.startswith("−0.026 is what the backward pass gives")
    assert slip_zh.explanation == "−0.026 是用已更新的权重做反向传播得到的值：反向传播必须使用正向传播时的权重"
    assert rule == english["fc.delta[0]"].rule.replace(" rounds to ", " 舍入为 ").replace(", not ", "，不是 ")
    assert right == english["out.out[0]"].rule.replace(" rounds to ", " 舍入为 ")
    right_count = sum(c.exact_match for c in english.values())
    assert said.startswith(f"{len(english)} 个中 {right_count} 个正确")


def test_a_slip_with_numbers_of_its_own_in_chinese() -> None:
    stepper = run_one_iteration(load("tiny-cnn"))
    with_rate_one = round(0.1 - 1.0 * stepper.value("out.grad_weight[0,0]"), 3)
    english = diagnose(stepper, "out.new_weight[0,0]", with_rate_one, 3)
    with using_language("zh"):
        chinese = diagnose(stepper, "out.new_weight[0,0]", with_rate_one, 3)
    assert english is not None and chinese is not None and chinese.slip == english.slip == "learning-rate"
    alt = english.explanation.split(" ")[0]
    assert chinese.explanation == f"{alt} 是用学习率 1.0 而非 α = 0.5 算出的更新"
    with using_language("zh"):
        flipped = diagnose(stepper, "conv.new_bias[1]", -stepper.value("conv.new_bias[1]"), 3)
    assert flipped is not None and "漏掉了一个负号" in flipped.explanation


def test_a_quiz_check_in_chinese() -> None:
    stepper = Stepper(load("tiny-cnn"))
    with using_language("zh"):
        quiz = Quiz(stepper, layer="fc", kinds="deltas")
        quiz.skip()
        quiz.skip()
        assert quiz.current == "fc.delta[0]"
        with pytest.raises(ValueError, match="请输入 3 位小数，与屏幕显示的精度相同（你输入了 1 位）"):
            quiz.answer("0.1")
        answer = quiz.answer("-0.026")
    assert not answer.right and answer.diagnosis is not None
    assert answer.diagnosis.explanation.startswith("−0.026 是用已更新的权重做反向传播得到的值")
    english = explain(stepper, "fc.delta[0]", stepper.scenario.decimals)
    assert answer.derivation.lines() == english.lines()  # the formula with numbers a wrong answer shows
    assert answer.derivation.title == "fc 层的δ = ∂C/∂net（讲义中的系数 coef）"
    with using_language("zh"), pytest.raises(Exception, match="未知的测验类型 'nope'"):
        Quiz(Stepper(load("tiny-cnn")), kinds="nope")


def test_the_gradient_check_and_an_optimizer_setting_refused_in_chinese() -> None:
    stepper = run_one_iteration(load("tiny-cnn"))
    with using_language("zh"):
        with pytest.raises(QuantityError, match="梯度检验需要一个权重或偏置，例如 fc.weight"):
            gradient_check(stepper, "fc.out[0]")
        with pytest.raises(ScenarioError) as caught:
            parse_optimizer({"type": "sgd", "momentum": -1})
    assert "动量系数 μ必须≥ 0，实际为 -1" in str(caught.value)
    assert gradient_check(stepper, "fc.weight[0,1]").agrees
