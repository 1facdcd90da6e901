"""The direction of imports is part of the design: core never imports the UI, and the rooms
of core (nn ← engine ← scenario/explain ← learner ← exports) import downwards only.

The contracts live in pyproject.toml ([tool.importlinter]); this test runs them.
"""

from __future__ import annotations

import os
from pathlib import Path

import importlinter.cli as importlinter_cli

ROOT = Path(__file__).resolve().parents[2]


def test_import_contracts_hold() -> None:
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        status = importlinter_cli.lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True)
    finally:
        os.chdir(cwd)
    assert status == importlinter_cli.EXIT_STATUS_SUCCESS, "an import contract is broken: run lint-imports"
