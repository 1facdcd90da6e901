"""The reports read an array's lines in chunks (core/explain/array_lines ``array_chunks``):
the chunks, joined, must be the lines made at once, each chunk within its bounds, and a
report written chunk by chunk the same report."""

from __future__ import annotations

import numpy as np
import pytest
from fixtures.random_scenarios import modern_scenario

from core.engine.stepper import Stepper
from core.explain import array_lines as module
from core.explain.array_lines import array_chunks, array_lines
from core.exports.report import quantity_names, section_lines
from core.scenario.catalog import load
from core.scenario.load import parse_scenario


def _stepper(which: str) -> Stepper:
    scenario = load(which) if which == "digits" else parse_scenario(modern_scenario(int(which)))
    stepper = Stepper(scenario)
    stepper.run_iteration()
    return stepper


@pytest.mark.parametrize(("which", "lines", "cells"), [("0", 7, 40), ("2", 7, 40), ("3", 7, 40)])
def test_lines_in_small_chunks_are_the_lines_made_at_once(which: str, lines: int, cells: int,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(module, "MIN_ELEMENTS", 1)  # templates for arrays of any size
    monkeypatch.setattr(module, "PROBES_PER_ELEMENT", 0)
    stepper = _stepper(which)
    d = stepper.scenario.decimals
    whole = {name: array_lines(stepper, name, d) for name in quantity_names(stepper)}
    assert sum(lines is not None for lines in whole.values()) >= 5
    module._LAYOUTS.clear()  # the layouts joined for whole slices are not taken: each part joins its own
    monkeypatch.setattr(module, "CHUNK", lines)
    monkeypatch.setattr(module, "CELLS", cells)
    chunked = 0
    for name, at_once in whole.items():
        chunks = array_chunks(stepper, name, d)
        if at_once is None:
            assert chunks is None
            continue
        assert chunks is not None
        made = list(chunks)
        assert [line for chunk in made for line in chunk] == at_once, name
        assert all(1 <= len(chunk) <= lines for chunk in made)
        chunked += len(made) > 1
    assert chunked >= 3


def test_a_chunk_holds_at_most_cells_numbers(monkeypatch: pytest.MonkeyPatch) -> None:
    """A gradient of many terms a line comes a few lines at a time: lines × numbers ≤ CELLS."""
    stepper = _stepper("digits")
    d = stepper.scenario.decimals
    name = "out.net"  # every line a sum of 128 products and the bias
    monkeypatch.setattr(module, "CELLS", 2000)
    chunks = array_chunks(stepper, name, d)
    assert chunks is not None
    made = list(chunks)
    numbers = max(len(here.slots) for _, here, _, _ in module._PLANS[stepper][(name, np.shape(stepper.array(name)),
                                                                               d, None)][1])
    assert numbers > 100 and all(len(chunk) * numbers <= 2000 for chunk in made) and len(made) > 1


def test_a_report_in_chunks_is_the_report_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    stepper = _stepper("1")
    d = stepper.scenario.decimals
    at_once = [(title, "\n".join(items)) for title, items in section_lines(stepper, d)]
    monkeypatch.setattr(module, "MIN_ELEMENTS", 1)
    monkeypatch.setattr(module, "PROBES_PER_ELEMENT", 0)
    monkeypatch.setattr(module, "CHUNK", 5)
    assert [(title, "\n".join(items)) for title, items in section_lines(stepper, d, blocks=True)] == at_once
