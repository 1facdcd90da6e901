"""All of core/ (the maths, the engine, scenarios, explanations, the learner's checks, the
teacher's desk and the exports) and all of tui/ (the command, the app, its screens, features
and widgets) type-check under ``mypy --strict``, in one run, so a value's type is known
wherever it is used; no import may be left unresolved (a mistyped module path fails here,
not when a user reaches it)."""

from __future__ import annotations

from fixtures.mypy_run import report, run_mypy


def test_core_and_the_app_type_check_strictly() -> None:
    done = run_mypy("--strict", "core", "tui")
    assert done.returncode == 0, report(done)
    assert "Success: no issues found" in done.stdout
