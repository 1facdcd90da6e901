"""Issue 8: fuzzing the loader over mutated valid scenarios finds no uncaught exception.

Two mutators, each over every bundled scenario's text: one edits the YAML text (deletes,
duplicates, inserts YAML punctuation, replaces numbers with hostile ones), one edits the
parsed structure (deletes, duplicates and retypes fields, perturbs numbers, grows and
shrinks lists) and writes it back. The loader must either load the result or raise a
ScenarioError with one short message; a loaded scenario must then run one iteration or
refuse with a CnnTuiError. Derandomized, so every run tries the same cases.
"""

from __future__ import annotations

import copy
import math
import re
from typing import Any

import numpy as np
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.engine.stepper import Stepper
from core.errors import CnnTuiError, ScenarioError
from core.scenario.catalog import bundled_names, resolve
from core.scenario.load import parse_scenario

TEXTS = {name: resolve(name).read_text(encoding="utf-8") for name in bundled_names() if name != "digits"}
TEXTS["digits"] = resolve("digits").read_text(encoding="utf-8")  # npz samples: resolved beside it
BASES = {name: resolve(name).parent for name in bundled_names()}
NAMES = sorted(TEXTS)
PUNCTUATION = list(":[]{},-#&*!|>'\"?%@`\n\t ") + ["0", "1e9", ".nan", "-", "~", "null", "!!binary",
                                                   "*a", "&a ", "<<: ", "- ", "  ", "\r\n", "\ufeff"]
HOSTILE = [0, -1, 1, 2, 10**6, 10**30, -(10**20), 1e308, -1e-308, math.nan, math.inf, -math.inf, 0.5,
           True, None, "", "x", "0.5", [], [1], [[1, 2]], {}, {"a": 1}, "relu", "conv2d", 99999]
SETTINGS = settings(derandomize=True, max_examples=120, deadline=None, database=None,
                    suppress_health_check=list(HealthCheck))


def attempt(text: str, name: str) -> None:
    """Load ``text``; only success or one ScenarioError may come out, then one iteration."""
    try:
        scenario = parse_scenario(text, file="fuzz.yaml", base_dir=BASES[name])
    except ScenarioError as err:
        message = str(err)
        assert message.count("\n") <= 2 and len(message) <= 600, message
        assert "Node(" not in message and "Traceback" not in message, message
        return
    try:
        with np.errstate(all="ignore"):  # as the app runs (tui/cli.py): ∞ and NaN, not NumPy warnings
            Stepper(scenario).run_iteration()
    except CnnTuiError:
        pass


@st.composite
def text_mutations(draw: st.DrawFn) -> tuple[str, str]:
    name = draw(st.sampled_from(NAMES))
    text = TEXTS[name]
    for _ in range(draw(st.integers(1, 4))):
        if not text:
            break
        at = draw(st.integers(0, len(text) - 1))
        op = draw(st.sampled_from(["delete", "insert", "duplicate line", "number", "swap lines"]))
        if op == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 40)):]
        elif op == "insert":
            text = text[:at] + draw(st.sampled_from(PUNCTUATION)) + text[at:]
        elif op in ("duplicate line", "swap lines"):
            lines = text.splitlines(keepends=True)
            i = draw(st.integers(0, len(lines) - 1))
            j = draw(st.integers(0, len(lines) - 1))
            if op == "duplicate line":
                lines.insert(j, lines[i])
            else:
                lines[i], lines[j] = lines[j], lines[i]
            text = "".join(lines)
        else:
            numbers = list(re.finditer(r"-?\d+(?:\.\d+)?(?:e-?\d+)?", text))
            if numbers:
                m = numbers[draw(st.integers(0, len(numbers) - 1))]
                new = draw(st.sampled_from(["0", "-1", "1e999", "99999999999", "1" * 5000, ".nan", "2.5",
                                            "[1, 2]", "{}", "''", "100000", "3"]))
                text = text[:m.start()] + new + text[m.end():]
    return name, text


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, path + (key,))
    elif isinstance(value, list):
        for i, child in enumerate(value[:8]):
            found += _paths(child, path + (i,))
    return found


def _parent(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path[:-1]:
        data = data[part]
    return data


@st.composite
def structure_mutations(draw: st.DrawFn) -> tuple[str, str]:
    name = draw(st.sampled_from(NAMES))
    data = yaml.safe_load(TEXTS[name])
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in _paths(data) if p]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent, key = _parent(data, path), path[-1]
        op = draw(st.sampled_from(["delete", "retype", "perturb", "duplicate", "grow", "shrink", "rename"]))
        value = parent[key]
        if op == "delete":
            del parent[key]
        elif op == "retype":
            parent[key] = copy.deepcopy(draw(st.sampled_from(HOSTILE)))  # never mutate HOSTILE itself
        elif op == "perturb" and isinstance(value, (int, float)) and not isinstance(value, bool):
            parent[key] = draw(st.sampled_from([value + 1, value - 1, -value, value * 1e6, value * 1e300, 0]))
        elif op == "duplicate" and isinstance(parent, list):
            parent.insert(key, copy.deepcopy(parent[key]))
        elif op == "grow" and isinstance(value, list):
            value.append(copy.deepcopy(value[-1]) if value else 0)
        elif op == "shrink" and isinstance(value, list) and value:
            value.pop()
        elif op == "rename" and isinstance(parent, dict):
            parent[str(key) + draw(st.sampled_from(["_", "s", "[0]", "\x1b", "é"]))] = parent.pop(key)
    return name, yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


@SETTINGS
@given(text_mutations())
def test_mutated_yaml_text_loads_or_gets_one_message(case: tuple[str, str]) -> None:
    attempt(case[1], case[0])


@SETTINGS
@given(structure_mutations())
def test_mutated_structures_load_or_get_one_message(case: tuple[str, str]) -> None:
    attempt(case[1], case[0])
