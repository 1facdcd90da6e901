"""Files a reviewer wrote to break the loader: each gets one clear message, never a crash or a hang."""

from __future__ import annotations

from pathlib import Path

import pytest
from fixtures import worked_example as W

from core.errors import ScenarioError
from core.scenario.load import load_scenario, parse_scenario

BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{n}: &{n} [{', '.join([f'*{p}'] * 9)}]\n" for p, n in zip("abcdefg", "bcdefgh"))

CASES = {
    "a 400-digit number": (W.YAML.replace("learning_rate: 0.5", "learning_rate: " + "1" * 400),
                           "finite number of sensible size"),
    "a 5000-digit number": (W.YAML.replace("learning_rate: 0.5", "learning_rate: " + "1" * 5000),
                            "more than 4,300 digits"),
    "a number as a field name": (W.YAML + "1.5: 2\n", "a field name must be text"),
    "an empty field name": (W.YAML + "? \n: 1\n", "a field name must be text"),
    "an alias bomb": (BOMB, "aliases"),
    "a huge stride": (W.YAML.replace("{name: pool, type: maxpool1d, size: 2}",
                                     "{name: pool, type: maxpool1d, size: 2, stride: " + "1" * 32 + "}"),
                      "≤ 100,000"),
    "a huge batch": (W.YAML.replace("learning_rate: 0.5", "learning_rate: 0.5\nbatch_size: " + "9" * 20),
                     "≤ 100,000"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_file_gets_one_clear_message(case: str) -> None:
    text, words = CASES[case]
    with pytest.raises(ScenarioError, match=words.replace("(", r"\(").replace(")", r"\)")):
        parse_scenario(text, file="hostile.yaml")


def test_npy_instead_of_npz_and_text_labels(tmp_path: Path) -> None:
    import numpy as np

    np.save(tmp_path / "x.npy", np.zeros((3, 1, 4)))
    np.savez(tmp_path / "s.npz", x=np.zeros((3, 1, 4)), y=np.array(["a", "b", "c"]))
    base = W.YAML.split("samples:")[0] + "samples: {file: %s}\nlayers:" + W.YAML.split("layers:")[1]
    for name, words in (("x.npy", "not an npz"), ("s.npz", "numbers")):
        (tmp_path / "t.yaml").write_text(base % name, encoding="utf-8")
        with pytest.raises(ScenarioError, match=words):
            load_scenario(tmp_path / "t.yaml")
