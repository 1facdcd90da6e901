"""Issue 8: ``train`` on a diverging network stops at once, exits 1 and saves nothing;
every number it prints stays short."""

from __future__ import annotations

import re
from pathlib import Path

from fixtures.cli_run import run_cli
from fixtures.diverging import DIVERGING, by_hand, diverging

from core.engine.training import LOSS_LIMIT
from core.numbers import fmt


def _write(tmp_path: Path, rate: float) -> Path:
    path = tmp_path / "diverging.yaml"
    path.write_text(DIVERGING.replace("RATE", repr(rate)), encoding="utf-8")
    return path


def test_train_stops_at_the_first_blow_up_exits_1_and_saves_nothing(tmp_path: Path) -> None:
    scenario_file = _write(tmp_path, 5.0)
    first_bad, _ = by_hand(diverging(5.0), LOSS_LIMIT)
    epoch = (first_bad - 1) // 3 + 1
    saved = tmp_path / "trained.yaml"
    result = run_cli("train", str(scenario_file), "--epochs", "1000000", "--save", str(saved))
    assert result.returncode == 1
    assert not saved.exists()
    assert "Traceback" not in result.stderr
    message = result.stderr.strip().splitlines()[-1]
    assert message.startswith(f"cnn-tui: training diverged in epoch {epoch} at iteration {first_bad}: "
                              "the loss reached ")
    assert message.endswith("try a smaller learning_rate than 5.0 (e.g. 0.5); nothing saved")
    epochs = result.stdout.splitlines()
    assert len(epochs) == epoch - 1  # the epochs before the one that blew up, then nothing
    assert "saved" not in result.stdout


def test_train_prints_every_loss_in_a_bounded_width(tmp_path: Path) -> None:
    result = run_cli("train", str(_write(tmp_path, 5.0)), "--epochs", "1000")
    assert result.returncode == 1
    losses = [re.fullmatch(r"epoch \d+/1000  loss (\S+)", line) for line in result.stdout.splitlines()]
    assert all(losses) and len(losses) > 5
    shown = [m.group(1) for m in losses if m]
    assert max(len(text) for text in shown) <= 14  # e.g. 1.7332e13, never 14 digits and 4 decimals
    assert any("e" in text for text in shown)  # the large ones are scientific
    assert fmt(1.7332e13, 4) == "1.7332e13"


def test_an_overflow_in_the_first_iteration_says_so_without_the_save(tmp_path: Path) -> None:
    result = run_cli("train", str(_write(tmp_path, 1e200)), "--epochs", "3")
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.strip() == ("cnn-tui: training diverged in epoch 1 at iteration 1: a parameter grew "
                                     "past 1e154 in the update (the loss was 0.0875); try a smaller learning_rate "
                                     "than 1e200 (e.g. 1e199)")
