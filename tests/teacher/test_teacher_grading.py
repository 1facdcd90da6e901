"""Issue 13: simulated students with injected slips are graded with exactly those slips
counted; carried-forward errors earn their credit; tampering and missing answers are caught.
The slipped values are computed here from the exact arrays, not by the diagnosis."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from core.engine.stepper import Stepper
from core.scenario.catalog import load
from core.scenario.load import load_scenario
from core.scenario.save import dump_scenario
from core.teacher.exercise import make_exercise
from core.teacher.grade import grade_file
from core.teacher.key import read_key
from core.teacher.report import class_report, feedback, gradebook_csv, slips, table, to_json
from core.teacher.tolerance import Tolerance, parse_tolerance


@pytest.fixture(scope="module")
def exercise(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("exercise")
    make_exercise(load("tiny-cnn"), "tiny-cnn", [f"s{i}" for i in range(1, 7)], 21, "all",
                  Tolerance("decimals", 3), "after", folder, pdf=False)
    return folder


def _exact(folder: Path, sid: str) -> tuple[Stepper, dict[str, float]]:
    scenario = load_scenario(folder / f"{sid}.yaml")
    stepper = Stepper(scenario)
    stepper.run_iteration()
    return stepper, {name: round(stepper.value(name), 3) for name in scenario.exercise.ask}


def _hand_in(folder: Path, sid: str, answers: dict[str, float], out: Path,
             change: tuple[str, str] | None = None) -> Path:
    text = (folder / f"{sid}.yaml").read_text()
    if change is not None:
        assert change[0] in text
        text = text.replace(change[0], change[1], 1)
    text += "expected:\n" + "".join(f"  {name}: {value!r}\n" for name, value in answers.items())
    path = out / f"{sid}.yaml"
    path.write_text(text)
    return path


def _grade(folder: Path, path: Path):
    return grade_file(read_key(folder / "key.yaml"), str(folder / "key.yaml"), path)


def _hidden(folder: Path, sid: str) -> set[str]:
    return {line.split(":")[0] for line in read_key(folder / "key.yaml").students[sid].hidden_slips}


def test_exact_answers_score_full_marks(exercise: Path, tmp_path: Path) -> None:
    _, answers = _exact(exercise, "s1")
    result = _grade(exercise, _hand_in(exercise, "s1", answers, tmp_path))
    assert not result.tampered and result.max == 77
    assert result.score == 77 and all(a.ok for a in result.answers)


def test_injected_slips_are_counted_exactly(exercise: Path, tmp_path: Path) -> None:
    stepper, answers = _exact(exercise, "s2")
    pool_grad = stepper.array("pool.grad_out")
    conv_out = stepper.array("conv.out")
    winner = int(np.argmax(conv_out[0, 0:2]))
    loser = 1 - winner
    injected = {
        "out.delta[0]": -answers["out.delta[0]"],  # sign
        "fc.grad_out[0]": round(float(sum(stepper.array("out.delta")[i] * stepper.array("out.new_weight")[i, 0]
                                          for i in range(2))), 3),  # updated-weights
        "out.grad_weight[0,1]": answers["out.grad_weight[1,0]"],  # transposed-index
        f"conv.grad_out[0,{loser}]": round(float(pool_grad[0, 0]), 3),  # pool-route: the loser gets it
    }
    assert not set(injected) & _hidden(exercise, "s2")
    answers.update(injected)
    del answers["loss"]
    result = _grade(exercise, _hand_in(exercise, "s2", answers, tmp_path))
    wrong = {a.name: a.diagnosis for a in result.answers if not a.ok}
    assert wrong == {"out.delta[0]": "sign", "fc.grad_out[0]": "updated-weights",
                     "out.grad_weight[0,1]": "transposed-index", f"conv.grad_out[0,{loser}]": "pool-route",
                     "loss": "missing"}
    assert result.score == 77 - 5
    assert slips([result]) == {"missing": 1, "pool-route": 1, "sign": 1, "transposed-index": 1,
                               "updated-weights": 1}


def test_a_value_that_follows_from_the_students_own_wrong_value_earns_partial_credit(exercise: Path,
                                                                                     tmp_path: Path) -> None:
    stepper, answers = _exact(exercise, "s3")
    wrong_delta = answers["out.delta[0]"] + 0.25  # no usual slip: just wrong
    fc_out = stepper.array("fc.out")
    answers["out.delta[0]"] = round(wrong_delta, 3)
    answers["out.grad_weight[0,0]"] = round(wrong_delta * float(fc_out[0]), 3)
    answers["out.grad_bias[0]"] = round(wrong_delta, 3)
    new = float(stepper.scenario.params["out"]["weight"][0, 0]) - 0.5 * wrong_delta * float(fc_out[0])
    answers["out.new_weight[0,0]"] = round(new, 3)
    result = _grade(exercise, _hand_in(exercise, "s3", answers, tmp_path))
    graded = {a.name: a for a in result.answers if not a.ok}
    assert set(graded) == {"out.delta[0]", "out.grad_weight[0,0]", "out.grad_bias[0]", "out.new_weight[0,0]"}
    assert graded["out.delta[0]"].credit == 0 and not graded["out.delta[0]"].carried_forward
    for name in ("out.grad_weight[0,0]", "out.grad_bias[0]", "out.new_weight[0,0]"):
        assert graded[name].carried_forward and graded[name].credit == 0.5 and graded[name].diagnosis is None
    assert result.score == 77 - 4 + 3 * 0.5


@pytest.mark.parametrize("change", [
    ("learning_rate: 0.5", "learning_rate: 0.4"),  # a setting
    ("- x: [[", "- x: [[0.5, "),  # an input (the first value moved along)
    ("exercise:\n  id: s4\n  ask: [", "exercise:\n  id: s4\n  ask: ["),  # no change: control
])
def test_a_submission_that_differs_from_its_variant_is_tampered(exercise: Path, tmp_path: Path,
                                                              change: tuple[str, str]) -> None:
    _, answers = _exact(exercise, "s4")
    text = (exercise / "s4.yaml").read_text()
    if change[0] == "- x: [[":
        # replace the first input value, keeping the shape
        start = text.index("- x: [[") + len("- x: [[")
        end = text.index(",", start)
        change = ("- x: [[" + text[start:end] + ",", "- x: [[" + str(float(text[start:end]) + 0.1) + ",")
    result = _grade(exercise, _hand_in(exercise, "s4", answers, tmp_path, change))
    control = change[0] == change[1]
    assert result.tampered is not control
    assert result.score == (77 if control else 0)


def test_a_weight_or_the_asked_list_changed_is_tampered(exercise: Path, tmp_path: Path) -> None:
    _, answers = _exact(exercise, "s5")
    scenario = load_scenario(exercise / "s5.yaml")
    w = float(scenario.params["fc"]["weight"][0, 0])
    text = (exercise / "s5.yaml").read_text()
    weight_line = next(line for line in text.splitlines() if line.startswith("  weight: [[") and str(w) in line
                       and "[[[" not in line)
    for old, new in ((weight_line, weight_line.replace(str(w), str(round(w + 0.1, 1)), 1)),
                     ("ask: ['conv.net[0,0]', ", "ask: [")):
        result = _grade(exercise, _hand_in(exercise, "s5", answers, tmp_path, (old, new)))
        assert result.tampered and result.score == 0


def test_a_file_saved_after_stepping_in_the_tui_is_not_tampered(exercise: Path, tmp_path: Path) -> None:
    """The TUI saves the parameters as they stand: after a whole iteration, the updated ones."""
    stepper, answers = _exact(exercise, "s6")
    saved = stepper.current_scenario()
    path = tmp_path / "s6.yaml"
    path.write_text(dump_scenario(saved, path) + "expected:\n" + "".join(f"  {k}: {v!r}\n" for k, v in answers.items()))
    result = _grade(exercise, path)
    assert not result.tampered and result.score == 77


def test_reports_json_csv_feedback_and_class_report(exercise: Path, tmp_path: Path) -> None:
    _, right = _exact(exercise, "s1")
    stepper, answers = _exact(exercise, "s2")
    answers["out.delta[0]"] = -answers["out.delta[0]"]
    key = read_key(exercise / "key.yaml")
    results = [_grade(exercise, _hand_in(exercise, "s1", right, tmp_path)),
               _grade(exercise, _hand_in(exercise, "s2", answers, tmp_path))]
    import json

    doc = json.loads(to_json(results))
    assert [s["id"] for s in doc["students"]] == ["s1", "s2"]
    assert doc["students"][1]["score"] == 76 and doc["students"][1]["max"] == 77
    assert doc["students"][1]["tampered"] is False
    bad = [a for a in doc["students"][1]["answers"] if not a["ok"]]
    assert bad == [{"name": "out.delta[0]", "expected": answers["out.delta[0]"],
                    "actual": stepper.value("out.delta[0]"), "ok": False, "diagnosis": "sign", "credit": 0}]
    assert doc["slips"] == {"sign": 1}
    asked = list(load_scenario(exercise / "s1.yaml").exercise.ask)
    csv_lines = gradebook_csv(results, asked).splitlines()
    assert csv_lines[0].split(",")[:4] == ["id", "score", "max", "tampered"] and len(csv_lines) == 3
    assert csv_lines[2].startswith("s2,76,77,no,")
    text = feedback(results[1], key, str(exercise / "key.yaml"))
    assert "`out.delta[0]`" in text and "**sign**" in text and "The right derivation" in text
    report = class_report(results, key, asked)
    assert "| `out.delta[0]` | 1/2 | 50% |" in report and "| sign | 1 |" in report
    assert "s2" in table(results) and "1 sign" in table(results)


def test_tolerance_rules() -> None:
    assert Tolerance("decimals", 3).matches(0.7064, 0.706) and not Tolerance("decimals", 3).matches(0.708, 0.706)
    sig = parse_tolerance("significant=3", 3)
    assert sig.matches(0.0001234, 0.000123) and not sig.matches(0.000125, 0.000123)
    rel = parse_tolerance("relative=0.01", 3)
    assert rel.matches(101, 100) and not rel.matches(102, 100)
    with pytest.raises(Exception, match="between 0 and 1"):
        parse_tolerance("relative=2", 3)


@pytest.mark.parametrize("name", ["dropout-tiny", "batchnorm-tiny"])
def test_layers_with_a_mask_or_statistics_are_graded_through_their_own_forward(name: str, tmp_path: Path) -> None:
    """The carried-forward walk runs dropout with its mask and batch norm with its
    statistics: a dropout output without its 1/(1 − p) is wrong (it was given full credit),
    and a wrong batch mean is graded (it raised KeyError)."""
    folder = tmp_path / "ex"
    make_exercise(load(name), name, ["s1"], 5, "all", Tolerance("decimals", 3), "after", folder, pdf=False)
    stepper, answers = _exact(folder, "s1")
    assert _grade(folder, _hand_in(folder, "s1", answers, tmp_path)).score == len(answers)
    if name == "dropout-tiny":
        kept = next(n for n in answers if n.startswith("drop.out") and answers[n] != 0)
        p = stepper.network.layer("drop").p
        wrong = {**answers, kept: round(stepper.value(kept) * (1 - p), 3)}  # the scale left out
    else:
        kept = next(n for n in answers if n.startswith("bn.mean"))
        wrong = {**answers, kept: answers[kept] + 1}
    result = _grade(folder, _hand_in(folder, "s1", wrong, tmp_path))
    graded = {a.name: a for a in result.answers}
    assert not graded[kept].ok and graded[kept].credit == 0
    if name == "dropout-tiny":
        assert graded[kept].diagnosis == "dropout-scale"


def test_a_new_weight_that_follows_from_the_students_own_m_earns_partial_credit(tmp_path: Path) -> None:
    """The carried-forward walk reaches into the optimizer: Adam's new weight worked from the
    student's own (wrong) m is an error carried forward, not a second mistake."""
    folder = tmp_path / "ex"
    make_exercise(load("adam-step"), "adam-step", ["s1"], 5, "all", Tolerance("decimals", 3), "after", folder,
                  pdf=False)
    stepper, answers = _exact(folder, "s1")
    m_name, v_name, new_name = "out.exp_avg_weight[0,0]", "out.exp_avg_sq_weight[0,0]", "out.new_weight[0,0]"
    assert {m_name, v_name, new_name} <= set(answers)
    wrong_m = answers[m_name] + 0.05  # no usual slip: just wrong
    answers[m_name] = round(wrong_m, 3)
    beta1, beta2 = stepper.scenario.optimizer.options["betas"]
    eps, lr = stepper.scenario.optimizer.options["eps"], stepper.scenario.learning_rate
    answers[v_name] = float(f"{stepper.value(v_name):.3g}")  # right, written to three figures (v is small)
    m_hat = answers[m_name] / (1 - beta1)  # t = 1
    v_hat = answers[v_name] / (1 - beta2)  # the walk goes on from the student's own m and v
    w = float(stepper.scenario.params["out"]["weight"][0, 0])
    answers[new_name] = round(w - lr * m_hat / (math.sqrt(v_hat) + eps), 3)
    assert abs(answers[new_name] - stepper.value(new_name)) > 0.01  # visibly not the right new weight
    result = _grade(folder, _hand_in(folder, "s1", answers, tmp_path))
    graded = {a.name: a for a in result.answers if not a.ok}
    assert set(graded) == {m_name, new_name}
    assert graded[m_name].credit == 0 and not graded[m_name].carried_forward
    assert graded[new_name].carried_forward and graded[new_name].credit == 0.5


def test_an_xhat_that_follows_from_the_students_own_batch_mean_earns_partial_credit(tmp_path: Path) -> None:
    """The carried-forward walk reaches into batch norm: x̂ worked from the student's own
    (wrong) μ is an error carried forward, not a second mistake."""
    folder = tmp_path / "ex"
    make_exercise(load("batchnorm-tiny"), "batchnorm-tiny", ["s1"], 5, "all", Tolerance("decimals", 3), "after",
                  folder, pdf=False)
    stepper, answers = _exact(folder, "s1")
    layer = next(layer for layer in stepper.network.layers if layer.state_defaults)
    name = layer.name
    assert f"{name}.mean[0]" in answers and f"{name}.xhat[0,0]" in answers
    answers[f"{name}.mean[0]"] = round(answers[f"{name}.mean[0]"] + 0.5, 3)  # no usual slip: just wrong
    x = stepper.batched(f"{stepper.network.inputs_of(name)[0]}.out")  # what batch norm reads
    assert x is not None
    var = answers[f"{name}.var[0]"]
    eps = layer.eps
    xhats = [f"{name}.xhat[{b},0]" for b in range(stepper.batch_size)]
    for b, xhat in enumerate(xhats):
        answers[xhat] = round((float(x[b, 0]) - answers[f"{name}.mean[0]"]) / math.sqrt(var + eps), 3)
    result = _grade(folder, _hand_in(folder, "s1", answers, tmp_path))
    graded = {a.name: a for a in result.answers if not a.ok}
    assert graded[f"{name}.mean[0]"].credit == 0 and not graded[f"{name}.mean[0]"].carried_forward
    for xhat in xhats:
        assert graded[xhat].carried_forward and graded[xhat].credit == 0.5, xhat


@pytest.mark.parametrize("name", ["adam-step", "momentum-steps", "batchnorm-tiny", "dropout-tiny"])
def test_a_walk_with_no_answers_is_the_steppers_iteration_to_the_bit(name: str) -> None:
    """Where no student value is put in place, the carried-forward walk takes every layer's and
    the optimizer's own exact route: the stepper's very numbers (Adam's, batch norm's)."""
    from core.teacher.carry import walk

    scenario = load(name)
    stepper = Stepper(scenario)
    stepper.run_iteration()
    computed = walk(scenario, {})
    compared = 0
    for key, arr in computed.items():
        mine = stepper.array(key)
        if mine is not None:
            assert np.asarray(mine).tobytes() == np.asarray(arr).tobytes(), key
            compared += 1
    assert compared >= 10
