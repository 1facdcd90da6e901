"""Issue 2, check 8: the headless commands (scenarios, check, solve, train)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from fixtures import worked_example as W
from fixtures.cli_run import run_cli
from fixtures.helpers import scenario_text

from core.engine.stepper import Stepper
from core.engine.training import Trainer
from core.numbers import fmt
from core.scenario.catalog import load
from core.scenario.load import load_scenario, parse_scenario
from tui.cli import main


@pytest.fixture
def batch_file(tmp_path: Path) -> Path:
    rng = np.random.default_rng(3)
    samples = [{"x": rng.normal(size=(1, 4)).round(4).tolist(), "label": i % 2} for i in range(3)]
    layers = [{"name": "conv", "type": "conv1d", "filters": 2, "kernel": 2, "activation": "tanh"},
              {"name": "out", "type": "dense", "units": 2, "activation": "softmax"}]
    path = tmp_path / "batch.yaml"
    path.write_text(scenario_text([1, 4], layers, "cross_entropy", samples, 0.5, 2, seed=1), encoding="utf-8")
    return path


def test_scenarios_lists_tiny_cnn() -> None:
    result = run_cli("scenarios")
    assert result.returncode == 0, result.stderr
    rows = result.stdout.splitlines()
    names = [row.split()[0] for row in rows]
    assert "tiny-cnn" in names
    tiny = rows[names.index("tiny-cnn")]
    assert load("tiny-cnn").name in tiny


def test_check_ok(tmp_path: Path, capsys) -> None:
    assert main(["check", "tiny-cnn"]) == 0
    out, err = capsys.readouterr()
    assert "ok" in out and err == ""
    path = tmp_path / "copy.yaml"
    path.write_text(W.YAML, encoding="utf-8")
    assert main(["check", str(path)]) == 0
    out, _ = capsys.readouterr()
    assert str(path) in out and "20 parameters" in out


def test_unknown_scenario_name() -> None:
    result = run_cli("solve", "no-such-scenario")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "no-such-scenario" in result.stderr and "tiny-cnn" in result.stderr
    assert result.stderr.count("\n") == 1
    assert result.stdout == ""


@pytest.mark.parametrize("command", [["check", "nope"], ["train", "nope"], ["solve", "nope.yaml"]])
def test_unknown_scenario_in_every_command(command, capsys) -> None:
    assert main(command) == 1
    out, err = capsys.readouterr()
    assert out == "" and "nope" in err and err.count("\n") == 1


def test_solve_text_like_the_notes(capsys) -> None:
    assert main(["solve", "tiny-cnn"]) == 0
    out = capsys.readouterr().out
    assert "w′_out[0,0] = w_out[0,0] − α·δ_out[0]·a_fc[0] = 0.1 − 0.5·(−0.294)·0.608 = 0.189" in out
    assert "δ_out[0] = a_out[0] − y[0] = 0.706 − 1 = −0.294" in out
    assert "Iteration 1 (sample 1)" in out and "loss 0.347" in out
    right = W.CHECK_COUNT - len(W.WRONG_CHECKS)
    close = 3  # the notes' 0.384, 0.258 and 0.002: one unit of the last decimal off, marked ≈
    assert f"Checks of the expected values: {right - close} of {W.CHECK_COUNT} right, {close} close" in out
    assert "✗ fc.delta[0]: expected −0.026 (−0.0140 rounds to −0.014, not −0.026), exact −0.013988325623032052" \
        in out
    assert "✓ out.out[0]: expected 0.706 (0.7065 rounds to 0.706)" in out
    assert "≈ conv.out[1,0]: expected 0.384" in out
    for title in ("Forward pass", "Backward pass", "Update"):
        assert title in out
    assert "```" not in out


def test_solve_markdown(capsys) -> None:
    assert main(["solve", "tiny-cnn", "--format", "markdown"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# ")
    assert "## Iteration 1" in out and "### Forward pass" in out
    assert out.count("```") % 2 == 0 and "```" in out
    assert "0.1 − 0.5·(−0.294)·0.608 = 0.189" in out


def test_solve_two_iterations_json(capsys) -> None:
    assert main(["solve", "tiny-cnn", "--iterations", "2", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    one, two = doc["iterations"]
    assert (one["iteration"], two["iteration"]) == (1, 2)
    assert one["samples"] == two["samples"] == [0]
    assert one["loss"] == pytest.approx(W.LOSS, abs=1e-12)
    assert two["loss"] < one["loss"]
    for layer in W.PARAM_LAYERS:
        for p in ("weight", "bias"):
            assert two["values"][f"{layer}.{p}"] == one["values"][f"{layer}.new_{p}"]
    assert len(one["checks"]) == W.CHECK_COUNT
    assert two["checks"] == []
    # iteration 2 equals a stepper's second iteration
    s = Stepper(load("tiny-cnn"))
    s.run_iteration()
    s.advance_to_next()
    s.run_iteration()
    assert two["loss"] == s.value("loss")
    np.testing.assert_array_equal(two["values"]["fc.delta"], s.array("fc.delta"))


def test_solve_batch_iterations_json(batch_file: Path, capsys) -> None:
    assert main(["solve", str(batch_file), "--iterations", "3", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert [it["samples"] for it in doc["iterations"]] == [[0, 1], [2, 0], [1, 2]]
    s = Stepper(load_scenario(batch_file))
    for k, it in enumerate(doc["iterations"]):
        if k:
            s.advance_to_next()
        s.run_iteration()
        assert it["loss"] == s.value("loss")
        values = it["values"]
        assert np.shape(values["input"]) == (2, 1, 4)  # a leading batch axis
        assert np.shape(values["out.delta"]) == (2, 2)
        assert np.shape(values["conv.grad_weight"]) == (2, 1, 2)
        np.testing.assert_array_equal(values["input"], s.batched("input"))


def test_solve_text_batch_names_samples(batch_file: Path, capsys) -> None:
    assert main(["solve", str(batch_file), "--iterations", "2"]) == 0
    out = capsys.readouterr().out
    assert "Iteration 1 (samples 1, 2)" in out
    assert "Iteration 2 (samples 3, 1)" in out


def test_solve_bad_file_exit_1(capsys) -> None:
    from fixtures.cli_run import FIXTURES

    assert main(["solve", str(FIXTURES / "bad" / "softmax_not_last.yaml"), "--format", "json"]) == 1
    out, err = capsys.readouterr()
    assert out == "" and "softmax" in err


def test_solve_bad_arguments() -> None:
    result = run_cli("solve", "tiny-cnn", "--iterations", "0")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "from 1 to 1,000,000" in result.stderr


def test_train_prints_epochs_and_saves(batch_file: Path, tmp_path: Path) -> None:
    saved = tmp_path / "trained.yaml"
    result = run_cli("train", str(batch_file), "--epochs", "2", "--save", str(saved))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stdout.splitlines()
    epoch_lines = [line for line in lines if line.startswith("epoch ")]
    assert len(epoch_lines) == 2
    # the same numbers as the Trainer (two iterations of batch 2 per epoch over 3 samples)
    trainer = Trainer(load_scenario(batch_file))
    stats = trainer.run_epochs(2)
    for line, st in zip(epoch_lines, stats):
        assert re.match(rf"epoch {st.epoch}/2  loss {re.escape(fmt(st.loss, 4))}", line), line
        assert "accuracy" in line  # labels: classification
    assert result.stderr == ""  # into a pipe no progress bar: standard error is for what went wrong
    assert str(saved) in result.stdout
    trained = load_scenario(saved)
    for layer, ps in trainer.params.items():
        for p, v in ps.items():
            np.testing.assert_array_equal(trained.params[layer][p], v)
    original = load_scenario(batch_file)
    assert not np.array_equal(trained.params["out"]["weight"], original.params["out"]["weight"])
    np.testing.assert_array_equal(trained.samples.x, original.samples.x)


def test_train_tiny_cnn_loss_decreases(tmp_path: Path, capsys) -> None:
    assert main(["train", "tiny-cnn", "--epochs", "3"]) == 0
    out, err = capsys.readouterr()
    losses = [float(m.group(1).replace("−", "-")) for m in re.finditer(r"loss (\S+)", out)]
    assert len(losses) == 3
    assert losses[0] == pytest.approx(W.LOSS, abs=1e-4)
    assert losses[0] > losses[1] > losses[2]
    assert "epoch 3/3" in out and err == ""


def test_headless_commands_do_not_import_textual() -> None:
    code = ("import sys, io, contextlib, tui.cli\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            "    rc = tui.cli.main(['solve', 'tiny-cnn', '--format', 'json'])\n"
            "    rc += tui.cli.main(['solve', 'tiny-cnn'])\n"
            "    rc += tui.cli.main(['check', 'tiny-cnn'])\n"
            "    rc += tui.cli.main(['scenarios'])\n"
            "assert rc == 0, rc\n"
            "assert 'textual' not in sys.modules, 'textual imported'\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


def test_solve_json_worked_example_checks_via_parse(tmp_path: Path, capsys) -> None:
    """A user's own file with a hand value: checks report it against the exact value."""
    path = tmp_path / "mine.yaml"
    path.write_text(W.YAML + "expected:\n  out.out[0]: 0.72\n  fc.delta[0]: -0.014\n", encoding="utf-8")
    parse_scenario(path.read_text(encoding="utf-8"))
    assert main(["solve", str(path), "--format", "json"]) == 0
    checks = json.loads(capsys.readouterr().out)["iterations"][0]["checks"]
    assert [(c["name"], c["ok"]) for c in checks] == [("out.out[0]", False), ("fc.delta[0]", True)]


def test_usage_errors_read_cleanly_and_train_checks_the_save_folder_first(cli) -> None:
    """Found in review: subcommand usage printed the whole main usage as the program name."""
    result = cli("solve", "tiny-cnn", "--format", "yaml")
    assert result.returncode == 2
    assert result.stderr.startswith("usage: cnn-tui solve ") and "usage: usage" not in result.stderr
    result = cli("train", "tiny-cnn", "--save", "/nonexistent-folder/x.yaml")
    assert result.returncode == 1 and "checked before training" in result.stderr
    assert "epoch" not in result.stdout


def test_train_runs_a_network_without_parameters(cli, tmp_path) -> None:
    path = tmp_path / "nop.yaml"
    path.write_text("format: 1\nname: no params\ninput: [1, 4]\nsamples: [{x: [[1, 2, 3, 4]], y: [0.5, 0.5]}]\n"
                    "layers: [{type: maxpool1d, size: 2}, {type: flatten}]\nloss: mse\nlearning_rate: 0.1\n",
                    encoding="utf-8")
    result = cli("train", str(path), "--epochs", "2")
    assert result.returncode == 0, result.stderr
    assert "epoch 2/2  loss 7.2500" in result.stdout


class _Recorder:
    """Standard output that keeps each write call apart (a terminal, or a pipe)."""

    def __init__(self, terminal: bool) -> None:
        self.terminal = terminal
        self.writes: list[str] = []

    def isatty(self) -> bool:
        return self.terminal

    def write(self, text: str) -> int:
        self.writes.append(text)
        return len(text)

    def flush(self) -> None:
        pass


@pytest.mark.parametrize("terminal", [True, False])
def test_train_epoch_lines_reach_a_terminal_one_by_one_and_a_pipe_gathered(terminal: bool, monkeypatch) -> None:
    from tui.cli import _train_epochs
    from tui.progress import ProgressBar

    out = _Recorder(terminal)
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(ProgressBar, "EVERY", 1e6)  # no flush falls due during the run, however slow
    _train_epochs(Trainer(load("tiny-cnn")), 5)
    stats = Trainer(load("tiny-cnn")).run_epochs(5)
    expected = [f"epoch {st.epoch}/5  loss {fmt(st.loss, 4)}  accuracy 100.0%" for st in stats]
    assert "".join(out.writes) == "".join(line + "\n" for line in expected)
    # a terminal: a write per line as it is made; a pipe: the lines together, at the end
    assert len(out.writes) == (5 if terminal else 1)


@pytest.mark.parametrize("terminal", [True, False])
def test_train_beside_a_bar_on_a_terminal_wipes_it_for_each_line_and_draws_it_on(terminal: bool, monkeypatch) -> None:
    """Standard error a terminal (the bar drawn), standard output a terminal or a pipe: the
    same lines as without a bar, and the bar wiped before a line reaches the terminal."""
    from tui.cli import _train_epochs
    from tui.progress import ProgressBar

    out, err = _Recorder(terminal), _Recorder(True)
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", err)
    monkeypatch.setattr(ProgressBar, "EVERY", 0.0)  # every update redraws: a bar to wipe before each line
    _train_epochs(Trainer(load("tiny-cnn")), 3)
    stats = Trainer(load("tiny-cnn")).run_epochs(3)
    assert "".join(out.writes) == "".join(f"epoch {st.epoch}/3  loss {fmt(st.loss, 4)}  accuracy 100.0%\n"
                                          for st in stats)
    drawn = [w for w in err.writes if w.startswith("\r[")]
    wiped = [w for w in err.writes if w.startswith("\r ")]
    assert len(drawn) == 3 and len(wiped) == 3  # each iteration's bar, wiped at its epoch's end
    assert drawn[0].endswith("1/3 iterations  epoch 1/3") and drawn[2].endswith("3/3 iterations  epoch 3/3")


def test_an_option_a_command_does_not_take_is_refused_by_that_command(cli) -> None:
    """Found in user testing: `solve … --processes 2` printed the whole usage of every command."""
    result = cli("solve", "tiny-cnn", "--processes", "2")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith("usage: cnn-tui solve ")
    assert result.stderr.rstrip().endswith("cnn-tui solve: error: unrecognized arguments: --processes 2")
    assert "cnn-tui train" not in result.stderr  # not the top-level usage
