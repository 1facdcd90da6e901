"""Issue 8: a save killed mid-way (SIGKILL: no clean-up can run) loses nothing.

A real process saves a scenario whose large samples make the save slow (they are
compressed into an npz file beside the YAML); it is killed while its temporary file is
being written, or at random moments. Afterwards the old file is intact byte for byte and
loads, and the next save of that target removes the temporary file the killed one left.
"""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from fixtures.helpers import wide_dense_yaml

from core.scenario.atomic import STALE_AFTER
from core.scenario.load import load_scenario
from core.scenario.save import save_scenario

REPO = Path(__file__).resolve().parents[2]
TEMP = re.compile(r"\.copy\.(?:yaml|samples(?:-[0-9]+)?\.npz)\.[a-z0-9_]{8}\.tmp")
SAVER = """
import sys
import numpy as np
from core.engine.scenario import SampleSet
from core.scenario.load import parse_scenario
from core.scenario.save import save_scenario

path, rows = sys.argv[1], int(sys.argv[2])
scenario = parse_scenario(sys.stdin.read())
rng = np.random.default_rng(0)
labels = rng.integers(0, 2, rows)
scenario.samples = SampleSet(x=rng.random((rows, 50)), y=np.eye(2)[labels], labels=labels)
print("saving", flush=True)
save_scenario(scenario, path)
print("saved", flush=True)
"""
BIG = wide_dense_yaml(0.5, 1, 5)


def _start_saver(path: Path, rows: int) -> subprocess.Popen[str]:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]))
    proc = subprocess.Popen([sys.executable, "-c", SAVER, str(path), str(rows)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    assert proc.stdin is not None
    proc.stdin.write(BIG)
    proc.stdin.close()
    return proc


def _temps(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if TEMP.fullmatch(p.name))


def _age(folder: Path, names: list[str]) -> None:
    """Set temporary files' times back past the margin that marks them as left by a killed save."""
    old = time.time() - STALE_AFTER - 60
    for name in names:
        os.utime(folder / name, (old, old))


def _kill(proc: subprocess.Popen[str]) -> None:
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    for stream in (proc.stdout, proc.stderr):
        if stream is not None:
            stream.close()


def _old(tmp_path: Path) -> tuple[Path, bytes]:
    path = tmp_path / "copy.yaml"
    path.write_text(BIG, encoding="utf-8")
    return path, path.read_bytes()


def _intact_or_complete(path: Path, before: bytes) -> bytes:
    """The target is the old file byte for byte, or (the kill came after the rename) a
    complete new save with every sample; either way it loads. Returns what it holds."""
    now = path.read_bytes()
    scenario = load_scenario(path)
    if now != before:
        assert len(scenario.samples) == 60_000
    return now


def test_a_save_killed_while_writing_keeps_the_old_file_and_the_next_save_cleans_up(tmp_path: Path) -> None:
    path, before = _old(tmp_path)
    caught: list[str] = []
    rows = 40_000
    for _ in range(3):  # more rows (a slower save) if a save finished before it was seen
        proc = _start_saver(path, rows)
        try:
            while proc.poll() is None and not caught:
                caught = _temps(tmp_path)
                time.sleep(0.002)
            errors = "" if caught or proc.stderr is None else proc.stderr.read()
        finally:
            _kill(proc)
        if caught:
            break
        assert proc.returncode == 0 and path.read_bytes() != before, errors  # it finished: retry
        for p in tmp_path.iterdir():
            p.unlink()
        path, before = _old(tmp_path)
        rows *= 2
    assert caught, "the save always finished before its temporary file was seen"
    assert path.read_bytes() == before
    assert load_scenario(path).name == "big"
    left = _temps(tmp_path)
    assert left  # the killed save's temporary file is still there: nothing could remove it
    save_scenario(load_scenario(path), path)  # a save right away: it may be another's save in progress
    assert _temps(tmp_path) == left
    _age(tmp_path, left)
    save_scenario(load_scenario(path), path)  # once it is old, the next save of this target removes it
    assert _temps(tmp_path) == []
    assert set(p.name for p in tmp_path.iterdir()) <= {"copy.yaml", "copy.samples.npz"}


def test_saves_killed_at_random_moments_never_lose_the_file(tmp_path: Path) -> None:
    path, before = _old(tmp_path)
    chance = random.Random(8)
    for _ in range(3):
        proc = _start_saver(path, 60_000)
        try:
            assert proc.stdout is not None
            assert proc.stdout.readline() == "saving\n"  # the save has begun
            time.sleep(chance.uniform(0.0, 0.6))
        finally:
            _kill(proc)
        before = _intact_or_complete(path, before)
    _age(tmp_path, _temps(tmp_path))
    save_scenario(load_scenario(path), path)
    assert _temps(tmp_path) == []
