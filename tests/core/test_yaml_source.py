"""The event-built YAML reader: lines right in every style, the same with either parser.

``read_yaml`` builds plain data from parser events (libyaml's when present). These tests
pin the lines it records for block and flow styles and that PyYAML's pure-Python parser
gives the same data, lines and refusals (only syntax errors are worded by each parser).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fixtures import worked_example as W
from fixtures.cli_run import FIXTURES

import core.scenario.yaml_source as Y
from core.errors import ScenarioError
from core.scenario.load import load_scenario, parse_scenario

PARSERS = ["libyaml", "python"]


@pytest.fixture(params=PARSERS)
def parser(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "python":
        monkeypatch.setattr(Y, "FastScenarioLoader", None)
    elif Y.FastScenarioLoader is None:
        pytest.skip("PyYAML without libyaml")
    return str(request.param)


BLOCK = """\
top:
  - 1
  - - 2.5
    - text
  -
    key: 3
    other: [4,
            5]
  - 'quoted'
second: {a: 1,
  b: [x, y]}
"""


def test_data_and_lines_of_every_style(parser: str) -> None:
    doc = Y.read_yaml(BLOCK, "f.yaml")
    assert doc.data == {"top": [1, [2.5, "text"], {"key": 3, "other": [4, 5]}, "quoted"],
                        "second": {"a": 1, "b": ["x", "y"]}}
    lines = {("top",): 1, ("top", 0): 2, ("top", 1): 3, ("top", 1, 0): 3, ("top", 1, 1): 4,
             ("top", 2): 6, ("top", 2, "key"): 6, ("top", 2, "other"): 7, ("top", 2, "other", 1): 8,
             ("top", 3): 9, ("second",): 10, ("second", "b", 1): 11,
             ("top", 2, "other", 7): 7,  # no such item: the nearest ancestor's line
             ("nothing", 3): 1}
    for path, line in lines.items():
        assert doc.line_of(path) == line, path
    assert doc.raw_text(("top", 2, "key")) == "3"
    assert doc.raw_text(("top", 0)) is None  # list items keep no text


def test_crlf_lines_count_the_same(parser: str) -> None:
    doc = Y.read_yaml(BLOCK.replace("\n", "\r\n"), "f.yaml")
    assert doc.line_of(("top", 2, "other", 1)) == 8


def test_a_bad_value_in_a_block_list_is_reported_at_its_own_line(parser: str) -> None:
    text = W.YAML.replace("    bias: [0.5, -0.5]\n", "    bias:\n      - 0.5\n      - .nan\n")
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text, file="b.yaml")
    line = text.splitlines().index("      - .nan") + 1
    assert str(caught.value).startswith(f"b.yaml:{line}: layers[0].bias[1]: ")


def test_written_decimals_of_expected_values_are_kept(parser: str) -> None:
    scenario = parse_scenario(W.YAML + "expected:\n  out.out[0]: 0.70\n  out.out[1]: 3e-1\n")
    assert scenario.expected["out.out[0]"].decimals == 2
    assert scenario.expected["out.out[0]"].text == "0.70"
    assert scenario.expected["out.out[1]"].value == 0.3


@pytest.mark.parametrize(("text", "words"), [
    ("a: 1\nb: *x\n", "aliases (*name) are not allowed"), ("a: &x 1\nb: *x\n", "aliases (*name) are not allowed"),
    ("a: !!python/tuple [1]\n", "!!python/tuple is refused"), ("a: 1\na: 2\n", "'a' is given twice"),
    ("a: 1\n---\nb: 2\n", "single document"), ("? [1]\n: 2\n", "a field name must be text, got a list"),
    ("1: x\n", "a field name must be text, got the number 1"), ("a: [1, 2\n", "not valid YAML"),
])
def test_refusals_are_the_same_with_either_parser(text: str, words: str) -> None:
    messages = []
    for fast in (Y.FastScenarioLoader, None):
        saved, Y.FastScenarioLoader = Y.FastScenarioLoader, fast
        try:
            with pytest.raises(ScenarioError) as caught:
                Y.read_yaml(text, "f.yaml")
        finally:
            Y.FastScenarioLoader = saved
        messages.append(str(caught.value))
    assert words in messages[0] and words in messages[1], messages
    if words != "not valid YAML":  # syntax errors are worded by the parser that found them
        assert messages[0] == messages[1]


@pytest.mark.parametrize("path", sorted((FIXTURES / "bad").glob("*.yaml")), ids=lambda p: p.name)
def test_every_bad_fixture_gives_the_same_line_and_field_with_either_parser(path: Path) -> None:
    found = []
    for fast in (Y.FastScenarioLoader, None):
        saved, Y.FastScenarioLoader = Y.FastScenarioLoader, fast
        try:
            with pytest.raises(ScenarioError) as caught:
                load_scenario(path)
        finally:
            Y.FastScenarioLoader = saved
        found.append((caught.value.line, caught.value.field,
                      caught.value.reason if "not valid YAML" not in caught.value.reason else None))
    assert found[0] == found[1]


@pytest.mark.parametrize(("depth", "words"), [(999, "input"), (1000, "nesting depth"),
                                             (100_000, "nesting depth")])
def test_nesting_is_limited_to_1000_levels_with_either_parser(parser: str, depth: int, words: str) -> None:
    """The scenario mapping is one level: 999 lists inside it reach the limit of 1,000.
    (PyYAML's Python scanner slows quadratically with depth; libyaml stops at 1,000.)"""
    text = W.YAML.replace("input: [1, 4]", "input: " + "[" * depth + "]" * depth)
    with pytest.raises(ScenarioError, match=words) as caught:
        parse_scenario(text, file="deep.yaml")
    assert str(caught.value).startswith("deep.yaml:3:")


def test_lines_inside_forgotten_one_line_nodes_are_their_line(parser: str) -> None:
    """``{x: [0.1, .nan]}`` on one line keeps no node of its own; its parts answer its line."""
    text = "samples:\n  - {x: [0.1, 0.2], y: [1]}\n  -\n    {x: [0.3,\n        0.4]}\n"
    doc = Y.read_yaml(text, "f.yaml")
    assert doc.line_of(("samples", 0, "x", 1)) == 2
    assert doc.line_of(("samples", 0, "y")) == 2
    assert doc.line_of(("samples", 1)) == 4
    assert doc.line_of(("samples", 1, "x", 0)) == 4
    assert doc.line_of(("samples", 1, "x", 1)) == 5
    assert doc.tree.child("samples").child(0) is None  # forgotten: all on line 2
    assert doc.tree.child("samples").child(1) is not None
