"""tui/ type-checks: mypy over the app in a fresh process, strict on the app's shell and its
features (core is read for its types; its own errors are core's and are not counted here)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
COMMON = ["--follow-imports=silent", "--ignore-missing-imports", "--no-incremental"]
STRICT = ["tui/app.py", "tui/host.py", "tui/problem.py", "tui/bindings.py", "tui/features",
          "tui/screens/main_screen.py", "tui/screens/open_screen.py", "tui/widgets/layer_panel.py",
          "tui/widgets/answer_editor.py", "tui/widgets/quiz_bar.py"]


def mypy(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "mypy", *COMMON, *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


def test_tui_type_checks() -> None:
    done = mypy("tui", "--exclude", "tui/cli.py", "--check-untyped-defs")
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]


def test_the_shell_and_the_features_type_check_strictly() -> None:
    done = mypy("--strict", *STRICT)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
