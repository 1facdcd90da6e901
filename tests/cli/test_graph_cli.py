"""The command on graphs: a bad graph is one line and exit 1; solve reports an add layer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fixtures.cli_run import FIXTURES, run_cli

# the add layer alone (the bundled residual-block now has batch norm on its inner path)
RESIDUAL_PLAIN = str(FIXTURES / "scenarios" / "residual-plain.yaml")

BAD = """format: 1
name: dangling
input: [2]
samples:
  - {x: [1, 0], y: [0.5]}
layers:
  - {name: a, type: dense, units: 1}
  - {name: b, type: dense, units: 1, inputs: [input]}
loss: mse
learning_rate: 0.1
"""


def test_check_refuses_a_dangling_layer_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "dangling.yaml"
    path.write_text(BAD, encoding="utf-8")
    result = run_cli("check", str(path))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr
    assert lines[0].endswith("dangling.yaml:7: layers[0]: the output of layer 'a' is read by no layer: only the "
                             "last layer feeds the loss, so name it in a later layer's inputs or remove it")


def test_solve_json_of_the_residual_block() -> None:
    result = run_cli("solve", RESIDUAL_PLAIN, "--format", "json", "--iterations", "2")
    assert result.returncode == 0, result.stderr
    first = json.loads(result.stdout)["iterations"][0]
    values = first["values"]
    assert values["skip.net"] == pytest.approx([0.5 + 0.07, 0.3 + 0.28], abs=1e-15)
    assert "skip.delta" in values and "skip.weight" not in values and "skip.grad_weight" not in values
    through_h2 = sum(d * w[0] for d, w in zip(values["h2.delta"], values["h2.weight"]))
    assert values["h1.grad_out"][0] == pytest.approx(through_h2 + values["skip.delta"][0], abs=1e-15)
    assert all(check["ok"] for check in first["checks"])
