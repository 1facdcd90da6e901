"""All of core/ (the maths, the engine, scenarios, explanations, the learner's checks and the
exports) type-checks under ``mypy --strict``, so a value's type is known wherever it is used."""

from __future__ import annotations

from fixtures.mypy_run import report, run_mypy


def test_core_type_checks_strictly() -> None:
    done = run_mypy("--strict", "core")
    assert done.returncode == 0, report(done)
    assert "Success: no issues found" in done.stdout
