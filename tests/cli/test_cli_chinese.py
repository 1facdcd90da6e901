"""Issue 14: the command speaks Simplified Chinese (``--lang zh``, or a zh locale) — its --help,
argparse's own words, the commands' results and every error — while English stays exactly as
it was and numbers, quantity names and JSON never change."""

from __future__ import annotations

import io
import json
import re
import shlex
import sys
from pathlib import Path

import pytest
from fixtures.cli_run import FIXTURES, run_cli

from core.i18n import using_language
from core.text import cells
from tui import serve as serving
from tui.cli import main
from tui.parsing import wrap_cells
from tui.progress import ProgressBar

ENGLISH = FIXTURES / "cli_english"  # the command's output before it had a catalogue
ZH = "zh_CN.UTF-8"
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")

BAD_UNITS = ("format: 1\nname: bad\ninput: [1, 4]\nsamples: [{x: [[1, 2, 3, 4]], y: [0.5, 0.5]}]\n"
             "layers:\n  - {type: dense, units: two}\nloss: mse\nlearning_rate: 0.1\n")


def _chinese(*args: str) -> list[str]:
    """The same command asked for in Chinese both ways: by --lang and by the locale."""
    by_flag = run_cli("--lang", "zh", *args)
    by_locale = run_cli(*args, locale=ZH)
    assert (by_flag.returncode, by_flag.stdout, by_flag.stderr) == \
        (by_locale.returncode, by_locale.stdout, by_locale.stderr)
    return [by_flag.stdout, by_flag.stderr, str(by_flag.returncode)]


def test_help_in_chinese_keeps_the_command_syntax() -> None:
    out, err, code = _chinese("--help")
    assert code == "0" and err == ""
    lines = out.splitlines()
    assert lines[0].startswith("用法：cnn-tui [PATH|NAME] [--root DIR]")
    assert "打开 TUI（默认 tiny-cnn）" in lines[0]
    assert "      cnn-tui scenarios                        列出自带的场景" in lines
    assert "      cnn-tui solve PATH|NAME [--iterations N] [--format text|markdown|json] [--hand-rounding]" in lines
    assert any(line.startswith("      cnn-tui ... --lang en|zh ") and "简体中文" in line for line in lines)
    # the descriptions start in the same cell as the first line's ("用法：" is six cells, "usage: " seven)
    def start(line: str) -> int:
        found = re.search(r"\S {2,}(?=\S)", line)
        assert found is not None
        return cells(line[:found.end()])

    described = [lines[0], lines[1], lines[2], lines[3], lines[-1]]
    assert {start(line) for line in described} == {47}


def test_help_in_english_is_as_before_and_documents_lang() -> None:
    result = run_cli("--help")
    assert result.returncode == 0 and not CJK.search(result.stdout)
    lines = result.stdout.splitlines()
    assert lines[0] == ("usage: cnn-tui [PATH|NAME] [--root DIR]         open the TUI (default: tiny-cnn); "
                        "--root: open and save only in DIR")
    assert lines[2] == "       cnn-tui scenarios                        list the bundled scenarios"
    assert lines[-1] == ("       cnn-tui ... --lang en|zh                 any command in English or Simplified "
                         "Chinese (default: the locale)")
    assert len(lines) == 11


@pytest.mark.parametrize(("command", "fixture"), [("solve", "solve-help.txt"), ("exercise", "exercise-help.txt"),
                                                  ("serve", "serve-help.txt")])
def test_subcommand_help_in_english_is_unchanged(command: str, fixture: str) -> None:
    result = run_cli(command, "--help")
    assert result.returncode == 0
    assert result.stdout == (ENGLISH / fixture).read_text(encoding="utf-8")


def test_subcommand_help_in_chinese_argparse_words_too() -> None:
    out, err, code = _chinese("solve", "--help")
    assert code == "0" and err == ""
    lines = out.splitlines()
    assert lines[0].startswith("用法：cnn-tui solve [-h] [--iterations N]")
    assert "位置参数：" in lines and "选项：" in lines
    assert "  -h, --help            显示此帮助并退出" in lines
    assert "  --iterations N        要运行的迭代次数（1 到 1,000,000；默认 1）" in lines
    assert "  --hand-rounding       每个值在使用前先按显示的小数位舍入" in lines
    for english in ("usage", "positional arguments", "options:", "show this help"):
        assert english not in out


def test_subcommand_help_in_chinese_fits_the_terminal() -> None:
    out, _, _ = _chinese("exercise", "--help")
    lines = out.splitlines()
    # the usage's continued lines sit under the first one's arguments ("用法：" takes six cells)
    usage = lines[:lines.index("")]
    indent = " " * cells("用法：cnn-tui exercise ")
    assert len(usage) > 1 and all(line.startswith(indent) and line[len(indent)] != " " for line in usage[1:])
    assert "  --count N             学生 s01 … sNN" in out
    assert max(cells(line) for line in out.splitlines()) <= 100  # run_cli's COLUMNS
    assert "LAYER:STAGE" in out and "always：练习" in out


def test_a_bad_option_value_in_chinese() -> None:
    out, err, code = _chinese("solve", "tiny-cnn", "--format", "yaml")
    assert code == "2" and out == ""
    assert err.startswith("用法：cnn-tui solve ")
    assert err.splitlines()[-1] == ("cnn-tui solve: 错误：参数 --format：无效的选择：'yaml'"
                                    "（可选：'text', 'markdown', 'json'）")
    _, err, code = _chinese("solve", "tiny-cnn", "--iterations", "0")
    assert code == "2"
    assert err.splitlines()[-1] == "cnn-tui solve: 错误：参数 --iterations：应为 1 到 1,000,000 之间的整数，实际为 0"
    _, err, code = _chinese("exercise", "tiny-cnn", "-o", "somewhere")
    assert code == "2" and err.splitlines()[-1] == "cnn-tui exercise: 错误：参数 --count --students 必须给出其中一个"
    _, err, code = _chinese("solve")
    assert code == "2" and err.splitlines()[-1] == "cnn-tui solve: 错误：缺少必需的参数：PATH|NAME"


@pytest.mark.parametrize(("args", "fixture"), [(("solve", "tiny-cnn", "--format", "yaml"), "solve-format-yaml.txt"),
                                               (("exercise", "tiny-cnn", "-o", "/tmp/x"), "exercise-no-students.txt")])
def test_option_errors_in_english_are_unchanged(args: tuple[str, ...], fixture: str) -> None:
    result = run_cli(*args)
    assert result.returncode == 2
    assert result.stderr == (ENGLISH / fixture).read_text(encoding="utf-8")


def test_a_bad_scenario_says_its_line_in_chinese(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(BAD_UNITS, encoding="utf-8")
    out, err, code = _chinese("check", str(path))
    assert (out, code) == ("", "1")
    assert err == f"cnn-tui: {path}:6: layers[0].units: 应为整数，实际为 文本 'two'\n"
    english = run_cli("check", str(path))
    assert english.returncode == 1
    assert english.stderr == f"cnn-tui: {path}:6: layers[0].units: expected a whole number, got the text 'two'\n"


def test_an_unknown_scenario_in_chinese_names_the_bundled_ones() -> None:
    _, err, code = _chinese("check", "nope")
    assert code == "1" and err.count("\n") == 1
    assert err.startswith("cnn-tui: nope: 没有这个文件，也没有同名的自带场景（自带：") and "tiny-cnn" in err


def test_lang_fr_is_refused_with_one_message_in_the_locales_language() -> None:
    result = run_cli("--lang", "fr", "check", "tiny-cnn")
    assert (result.returncode, result.stdout, result.stderr) == (2, "", "cnn-tui: --lang takes en or zh, not fr\n")
    result = run_cli("--lang", "fr", "check", "tiny-cnn", locale=ZH)
    assert (result.returncode, result.stdout, result.stderr) == (2, "", "cnn-tui: --lang 只接受 en 或 zh，而不是 fr\n")
    result = run_cli("check", "tiny-cnn", "--lang")
    assert (result.returncode, result.stderr) == (2, "cnn-tui: --lang needs a language: en or zh\n")


def test_lang_en_under_a_chinese_locale_speaks_english() -> None:
    result = run_cli("--lang", "en", "check", "tiny-cnn", locale=ZH)
    assert result.returncode == 0
    assert result.stdout == "tiny-cnn: ok — tiny-cnn — the notes' 1-D CNN: 4 layers, 20 parameters, 1 sample\n"


def test_check_in_chinese_keeps_the_counts() -> None:
    out, err, code = _chinese("check", "tiny-cnn")
    assert (err, code) == ("", "0")
    assert out == "tiny-cnn：通过 — tiny-cnn — the notes' 1-D CNN：4 层，20 个参数，1 个样本\n"


def test_train_in_chinese_reports_the_same_numbers() -> None:
    out, err, code = _chinese("train", "x-vs-o", "--epochs", "2")
    assert (err, code) == ("", "0")
    english = run_cli("train", "x-vs-o", "--epochs", "2")
    assert english.returncode == 0
    number = re.compile(r"\d+(?:\.\d+)?%?")
    zh_lines, en_lines = out.splitlines(), english.stdout.splitlines()
    assert len(zh_lines) == len(en_lines) == 2
    for zh, en in zip(zh_lines, en_lines):
        assert number.findall(zh) == number.findall(en)  # epoch, loss, accuracy: the very same
        assert zh.startswith("第 ") and "轮  损失 " in zh and "准确率 " in zh and "epoch" not in zh
    assert en_lines[0].startswith("epoch 1/2  loss ")


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_progress_bar_in_chinese(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    screen = _Terminal()
    with using_language("zh"):
        bar = ProgressBar(10, stream=screen, width=10)
        bar.update(10)
    assert screen.getvalue() == "\r[██████████] 10/10 次迭代"
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(["--lang", "zh", "train", "tiny-cnn", "--epochs", "2"]) == 0
    drawn = terminal.getvalue()
    assert "\r[███████████████░░░░░░░░░░░░░░░] 1/2 次迭代  第 1/2 轮" in drawn
    assert "\r[██████████████████████████████] 2/2 次迭代  第 2/2 轮" in drawn and "iterations" not in drawn
    assert capsys.readouterr().out.splitlines()[1].startswith("第 2/2 轮  损失 0.")


def test_solve_json_is_the_same_in_both_languages() -> None:
    zh = run_cli("--lang", "zh", "solve", "tiny-cnn", "--format", "json")
    en = run_cli("solve", "tiny-cnn", "--format", "json")
    assert zh.returncode == en.returncode == 0
    assert zh.stdout == en.stdout
    assert json.loads(zh.stdout)["iterations"][0]["checks"]


def test_a_solve_too_large_in_chinese() -> None:
    _, err, code = _chinese("solve", "digits", "--iterations", "1,000,000")
    assert code == "1" and err.count("\n") == 1
    assert err.startswith("cnn-tui: --iterations 1,000,000 要保存 ") and "上限是 " in err and "最多只能要 " in err


def test_save_target_refused_before_training_in_chinese() -> None:
    out, err, code = _chinese("train", "tiny-cnn", "--save", "/nonexistent-folder/x.yaml")
    assert (out, code) == ("", "1")
    assert err == "cnn-tui: /nonexistent-folder/x.yaml: 文件夹 /nonexistent-folder 不存在（训练前已检查）\n"


def test_unexpected_arguments_in_chinese() -> None:
    _, err, code = _chinese("a", "b")
    assert code == "2"
    assert err.startswith("用法：cnn-tui [PATH|NAME]") and err.endswith("cnn-tui: 多余的参数：a b\n")


# serve passes the language on to every tab

def test_serve_passes_the_language_the_locale_would_not_give(monkeypatch: pytest.MonkeyPatch,
                                                              tmp_path: Path) -> None:
    from core.scenario.root import Root

    root = Root(tmp_path)
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    with using_language("zh"):
        command = shlex.split(serving.app_command("tiny-cnn", root))
    assert command[-2:] == ["--lang", "zh"] and command[3:6] == ["tiny-cnn", "--root", str(root.folder)]
    assert shlex.split(serving.app_command("tiny-cnn", root))[-2:] == ["--root", str(root.folder)]  # English: as before
    monkeypatch.setenv("LANG", ZH)
    assert shlex.split(serving.app_command("tiny-cnn", root))[-2:] == ["--lang", "en"]
    with using_language("zh"):
        assert shlex.split(serving.app_command("tiny-cnn", root))[-2:] == ["--root", str(root.folder)]


def test_serve_speaks_chinese(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(sys.modules, "textual_serve.server", None)
    monkeypatch.setitem(sys.modules, "textual_serve", None)
    assert main(["--lang", "zh", "serve", "tiny-cnn"]) == 1
    assert capsys.readouterr().err == \
        "cnn-tui: serve 需要 textual-serve（serve 附加组件）：pip install 'cnn-tui[serve]'\n"
    assert main(["--lang", "zh", "serve", "--host", "0.0.0.0"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("cnn-tui: --host 0.0.0.0：页面会链接到给定的地址") and "--host 192.168.1.20" in err


# wrapping by cells

def test_wrap_cells_breaks_chinese_between_characters_and_english_at_spaces() -> None:
    assert wrap_cells("一二三四五六", 6) == ["一二三", "四五六"]
    assert wrap_cells("用 numpy.savez 保存", 10) == ["用", "numpy.savez", "保存"]
    assert wrap_cells("a bc def", 4) == ["a bc", "def"]
    text = "要计算的值：一个阶段（forward、deltas、gradients、updates、all）、一层、一种量"
    lines = wrap_cells(text, 30)
    assert "".join(lines) == text and all(cells(line) <= 30 for line in lines)
