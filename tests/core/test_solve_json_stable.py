"""`solve --format json` is what other tools read: a restructuring must not change it.

The expected outputs (tests/fixtures/solve_json/NAME.json.gz: two iterations of every bundled
scenario) were written by the code before it was regrouped. Everything but the numbers must
match byte for byte: keys, their order, strings, spacing, how a number is written (an integer
stays an integer). The numbers must match to 1e-12, not to the bit: NumPy's exp and log and
OpenBLAS's kernels differ by an ulp from one CPU to the next (the digests these files replace
were right on the machine that made them and wrong on the next one), and what the file guards
is its shape and meaning, not one machine's last bits. A deliberate change of the output
regenerates the files (``python tests/core/test_solve_json_stable.py [NAME ...]``) and says so in its commit.
"""

from __future__ import annotations

import gzip
import math
import re
import sys
from pathlib import Path

import pytest

from core.exports.report import solve, to_json
from core.scenario.catalog import load

EXPECTED = Path(__file__).resolve().parents[1] / "fixtures" / "solve_json"
NAMES = sorted(path.name.removesuffix(".json.gz") for path in EXPECTED.glob("*.json.gz"))
# a JSON string (kept whole: digits inside a name are text) or a JSON number
TOKEN = re.compile(r'("(?:[^"\\]|\\.)*")|(-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)')
TOLERANCE = 1e-12


def current(name: str) -> str:
    scenario = load(name)
    return to_json(scenario, solve(scenario, 2))


def expected(name: str) -> str:
    return gzip.decompress((EXPECTED / f"{name}.json.gz").read_bytes()).decode()


def numbers(text: str) -> list[float]:
    """Every number of a JSON text, in order (none from inside a string)."""
    return [float(m.group(2)) for m in TOKEN.finditer(text) if m.group(2)]


def shape_of(text: str) -> str:
    """The text with every number replaced by its kind: ``I`` an integer, ``F`` a float."""

    def kind(m: re.Match[str]) -> str:
        return m.group(1) or ("F" if any(c in m.group(2) for c in ".eE") else "I")

    return TOKEN.sub(kind, text)


def test_every_bundled_scenario_has_its_expected_output() -> None:
    from core.scenario.catalog import bundled_names

    assert NAMES and set(NAMES) <= set(bundled_names())


def test_the_number_pattern_reads_json_numbers_and_leaves_names_alone() -> None:
    text = '{"conv.weight[0,1]": [0.5, -1e-05, 3], "x2": 12, "n": [7]}'
    assert numbers(text) == [0.5, -1e-05, 3, 12, 7]
    assert shape_of(text) == '{"conv.weight[0,1]": [F, F, I], "x2": I, "n": [I]}'


@pytest.mark.parametrize("name", NAMES)
def test_solve_json_keeps_its_bytes_and_its_numbers(name: str) -> None:
    got, want = current(name), expected(name)
    assert shape_of(got) == shape_of(want)  # everything but the numbers' digits, byte for byte
    got_numbers, want_numbers = numbers(got), numbers(want)
    assert len(got_numbers) == len(want_numbers)
    far = [(i, g, w) for i, (g, w) in enumerate(zip(got_numbers, want_numbers, strict=True))
           if not math.isclose(g, w, rel_tol=TOLERANCE, abs_tol=TOLERANCE)]
    assert not far, f"{len(far)} numbers differ, the first (index, got, expected): {far[:3]}"


if __name__ == "__main__":  # regenerate: a deliberate change of the output
    for each in sys.argv[1:] or NAMES:
        (EXPECTED / f"{each}.json.gz").write_bytes(gzip.compress(current(each).encode(), mtime=0))
