"""The shared runner of exported PyTorch scripts reports what ``python script.py`` would."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from fixtures.torch_scripts import run_script

pytestmark = pytest.mark.skipif(importlib.util.find_spec("torch") is None, reason="torch is not installed")


def test_output_exit_status_and_a_failure_come_back_and_scripts_do_not_share_names(tmp_path: Path) -> None:
    first = tmp_path / "first.py"
    first.write_text("import sys\nLEFT = 1\nprint('out')\nprint('err', file=sys.stderr)\nsys.exit(3)\n")
    done = run_script(first)
    assert (done.returncode, done.stdout, done.stderr) == (3, "out\n", "err\n")
    second = tmp_path / "second.py"
    second.write_text("print(__name__)\nprint(LEFT)\n")  # a fresh namespace: LEFT is not there
    done = run_script(second)
    assert done.returncode == 1 and done.stdout == "__main__\n" and "NameError" in done.stderr
    assert run_script(tmp_path / "missing.py").returncode == 1
