"""All of tui/ (the command, the app, its screens, features and widgets) type-checks under
``mypy --strict``. mypy follows the app's imports into core, and core's errors count too; no
import may be left unresolved (a mistyped module path fails here, not when a user reaches it)."""

from __future__ import annotations

from fixtures.mypy_run import report, run_mypy


def test_the_app_type_checks_strictly() -> None:
    done = run_mypy("--strict", "tui")
    assert done.returncode == 0, report(done)
    assert "Success: no issues found" in done.stdout
