"""The direction of imports is part of the design: core never imports the UI, and the rooms
of core (nn ← engine ← scenario/explain ← learner ← exports) import downwards only.

The contracts live in pyproject.toml ([tool.importlinter]); this test runs them in a fresh
process (the test run puts tests/ on sys.path, where ``tests/core`` would shadow ``core``).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

RUN = ("import sys; from importlinter.cli import lint_imports; "
       "sys.exit(lint_imports(config_filename='pyproject.toml', no_cache=True))")


def test_import_contracts_hold() -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-c", RUN], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "0 broken" in done.stdout
