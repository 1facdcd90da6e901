"""``cnn-tui train --processes``: a large batch in two halves, on two processes where the
machine has two CPUs (core/engine/batch_halves.py), run as a user runs it: in a fresh
process, which has no other thread and so may fork."""

from __future__ import annotations

import os
import platform
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from fixtures.cli_run import run_cli
from fixtures.helpers import scenario_text

from core.engine.batch_halves import halves_pay
from core.engine.training import Trainer
from core.nn import halves
from core.numbers import fmt
from core.scenario.catalog import load
from core.scenario.load import load_scenario

EPOCHS = 3


@pytest.fixture
def conv_file(tmp_path: Path) -> Path:
    """A small CNN at batch 32 (two iterations an epoch) whose halves pay by default."""
    rng = np.random.default_rng(5)
    samples = [{"x": rng.normal(size=(1, 12, 12)).round(4).tolist(), "label": i % 10} for i in range(64)]
    layers = [{"name": "c", "type": "conv2d", "filters": 8, "kernel": 3, "activation": "relu"},
              {"name": "p", "type": "maxpool2d", "size": 2},
              {"name": "flat", "type": "flatten"},
              {"name": "out", "type": "dense", "units": 10, "activation": "softmax"}]
    path = tmp_path / "conv.yaml"
    path.write_text(scenario_text([1, 12, 12], layers, "cross_entropy", samples, 0.05, 32, seed=2,
                                  extra="init: he\n"), encoding="utf-8")
    return path


def _two_cpus_here() -> bool:
    """Whether a fresh ``cnn-tui`` process here may run two (``two_processes_possible`` in a
    process with no other thread)."""
    return (sys.platform.startswith("linux") and platform.machine() in ("x86_64", "AMD64")
            and halves.cpus() >= 2 and hasattr(os, "fork")
            and os.environ.get("OPENBLAS_NUM_THREADS", "1") == "1")  # (the command's setting where none is given)


def _processes_running(marker: str) -> list[int]:
    """Processes whose command line names ``marker`` (the test's own scenario file)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker in (entry / "cmdline").read_bytes().decode(errors="replace"):
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def _trained_params(path: Path, halves: bool) -> tuple[dict, list]:
    trainer = Trainer(load_scenario(path), halves=halves)
    stats = trainer.run_epochs(EPOCHS)
    return trainer.params, stats


def _saved(path: Path) -> dict:
    return load_scenario(path).params


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="looks for leftover processes in /proc")
def test_train_in_two_processes_gives_the_halves_numbers_and_leaves_no_process(conv_file: Path, tmp_path: Path
                                                                              ) -> None:
    assert halves_pay(load_scenario(conv_file).network, 32)
    saved = {n: tmp_path / f"trained-{n}.yaml" for n in ("default", "1", "2")}
    runs = {}
    for n, target in saved.items():
        options = [] if n == "default" else ["--processes", n]
        runs[n] = run_cli("train", str(conv_file), "--epochs", str(EPOCHS), "--save", str(target), *options)
        assert runs[n].returncode == 0, runs[n].stderr
        assert runs[n].stderr == ""
    halves_params, halves_stats = _trained_params(conv_file, True)
    whole_params, whole_stats = _trained_params(conv_file, False)
    default = (halves_params, halves_stats) if _two_cpus_here() else (whole_params, whole_stats)
    for n, stats in (("2", halves_stats), ("default", default[1]), ("1", whole_stats)):
        epoch_lines = [line for line in runs[n].stdout.splitlines() if line.startswith("epoch ")]
        assert len(epoch_lines) == EPOCHS  # each once: the child writes nothing
        for line, st in zip(epoch_lines, stats):
            assert re.match(rf"epoch {st.epoch}/{EPOCHS}  loss {re.escape(fmt(st.loss, 4))}", line), line
    for n, params in (("2", halves_params), ("default", default[0]), ("1", whole_params)):
        trained = _saved(saved[n])
        for layer, ps in params.items():
            for name, value in ps.items():
                assert trained[layer][name].tobytes() == value.tobytes(), (n, layer, name)
    # the two ways differ only in the last bits
    for layer, ps in halves_params.items():
        for name, value in ps.items():
            np.testing.assert_allclose(value, whole_params[layer][name], rtol=1e-10, atol=1e-13)
    deadline = time.monotonic() + 10
    while _processes_running(str(conv_file)):  # the child left with its parent
        assert time.monotonic() < deadline, "a process of the run is still there"
        time.sleep(0.05)


@pytest.mark.skipif(not _two_cpus_here() or not Path("/proc").is_dir(), reason="needs two CPUs on Linux x86-64")
def test_train_runs_a_second_process_while_it_trains(conv_file: Path) -> None:
    """Seen from outside: while the command trains, two processes run it; after it, none."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    script = shutil.which("cnn-tui", path=str(Path(sys.executable).parent))
    command = [script] if script else [sys.executable, "-m", "tui.cli"]
    run = subprocess.Popen([*command, "train", str(conv_file), "--epochs", "1500"], stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, env=env)
    most = 0
    while run.poll() is None:
        most = max(most, len(_processes_running(str(conv_file))))
        time.sleep(0.005)
    assert run.returncode == 0, run.stderr.read() if run.stderr else ""
    assert most == 2
    assert _processes_running(str(conv_file)) == []


def test_processes_takes_one_or_two(conv_file: Path) -> None:
    result = run_cli("train", str(conv_file), "--processes", "3")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "--processes" in result.stderr and "3" in result.stderr
    assert "epoch" not in result.stdout
    helped = run_cli("train", "--help")
    assert helped.returncode == 0 and "--processes" in helped.stdout


def test_batch_norm_trains_in_halves_when_asked_and_small_batches_in_one_pass(tmp_path: Path) -> None:
    """batchnorm-tiny (batch 4) is too small for halves to pay: one pass by default; with
    --processes 2 its batch norm normalises each half by the whole batch's statistics."""
    saved = {n: tmp_path / f"{n}.yaml" for n in ("default", "1", "2")}
    for n, target in saved.items():
        options = [] if n == "default" else ["--processes", n]
        result = run_cli("train", "batchnorm-tiny", "--epochs", "2", "--save", str(target), *options)
        assert result.returncode == 0, result.stderr
    assert saved["default"].read_bytes() == saved["1"].read_bytes()
    trainer = Trainer(load("batchnorm-tiny"), halves=True)
    trainer.run_epochs(2)
    trained = _saved(saved["2"])
    for layer, ps in trainer.params.items():
        for name, value in ps.items():
            assert trained[layer][name].tobytes() == value.tobytes(), (layer, name)
