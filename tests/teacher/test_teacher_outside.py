"""Issue 13, as checked from outside: a script that knows only the files and `cnn-tui solve`
fills in the students' answers (rewriting each YAML file with PyYAML, as any tool would),
injects slips into some, changes one file's numbers, and grades: the scores, `tampered`
and the class's slip counts must be what it injected."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from fixtures.cli_run import run_cli


def _solve(path: Path) -> dict[str, object]:
    done = run_cli("solve", str(path), "--format", "json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)["iterations"][0]["values"]


def _value(values: dict[str, object], name: str) -> float:
    array, _, index = name.partition("[")
    item = values[array]
    if index:
        for i in index.rstrip("]").split(","):
            item = item[int(i)]  # type: ignore[index]
    return float(item)  # type: ignore[arg-type]


def test_a_class_filled_in_from_outside_is_graded_as_injected(tmp_path: Path) -> None:
    out = tmp_path / "hw"
    done = run_cli("exercise", "two-layer-sigmoid", "--count", "4", "--seed", "33", "--ask", "out, hidden:deltas",
                   "--tolerance", "decimals=3", "-o", str(out))  # the scenario shows 9 decimals
    assert done.returncode == 0, done.stderr
    handed = tmp_path / "handed"
    handed.mkdir()
    injected = {"s01": {}, "s02": {"out.delta[0]": "sign"}, "s03": {"out.grad_weight[0,1]": "transposed-index",
                                                                     "out.delta[1]": "sign"}}
    for sid in ("s01", "s02", "s03", "s04"):
        data = yaml.safe_load((out / f"{sid}.yaml").read_text())
        values = _solve(out / f"{sid}.yaml")
        answers = {name: round(_value(values, name), 3) for name in data["exercise"]["ask"]}
        for name, slip in injected.get(sid, {}).items():
            if slip == "sign":
                answers[name] = -answers[name]
            else:  # the weight paired with the other neuron: [0,1] ← [1,0]
                answers[name] = round(_value(values, "out.grad_weight[1,0]"), 3)
        if sid == "s04":
            data["layers"][0]["weight"][0][0] += 0.1  # a changed weight
        data["expected"] = answers
        (handed / f"{sid}.yaml").write_text(yaml.safe_dump(data, sort_keys=True))  # reformatted, reordered
    done = run_cli("grade", str(out / "key.yaml"), *sorted(str(p) for p in handed.iterdir()), "--json")
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    students = {s["id"]: s for s in doc["students"]}
    size = students["s01"]["max"]
    # out: net, out, grad_out, delta (2 each), grad_weight 4, grad_bias 2, new_weight 4, new_bias 2; hidden: 2 + 2
    assert size == 2 * 4 + 4 + 2 + 4 + 2 + 2 + 2
    assert [(sid, s["score"], s["tampered"]) for sid, s in students.items()] == [
        ("s01", size, False), ("s02", size - 1, False), ("s03", size - 2, False), ("s04", 0, True)]
    assert doc["slips"] == {"sign": 2, "transposed-index": 1}
    wrong = {(s["id"], a["name"]): a["diagnosis"] for s in doc["students"] for a in s["answers"]
             if not a["ok"] and not s["tampered"]}
    assert wrong == {("s02", "out.delta[0]"): "sign", ("s03", "out.delta[1]"): "sign",
                     ("s03", "out.grad_weight[0,1]"): "transposed-index"}
