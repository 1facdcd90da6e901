"""`solve --format json` is what other tools read: a restructuring must not change a byte of it.

The digests were taken from the output of two iterations of every bundled scenario before the
code was regrouped; a deliberate change of the output regenerates them (and says so in its commit).
"""

from __future__ import annotations

import hashlib
import json

import pytest
from fixtures.cli_run import FIXTURES

from core.exports.report import solve, to_json
from core.scenario.catalog import load

DIGESTS: dict[str, str] = json.loads((FIXTURES / "solve_json" / "sha256.json").read_text())


@pytest.mark.parametrize("name", sorted(DIGESTS))
def test_solve_json_is_byte_identical(name: str) -> None:
    scenario = load(name)
    text = to_json(scenario, solve(scenario, 2))
    assert hashlib.sha256(text.encode()).hexdigest() == DIGESTS[name]
