"""Issue 2, check 5: scenario files load → save → load to the same state; saving is atomic."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import numpy as np
import pytest
from fixtures import worked_example as W

import core.scenario.save as scenario_save
from core.engine.scenario import Expected
from core.engine.stepper import Stepper
from core.errors import SaveError, ScenarioError
from core.numbers import written_decimals
from core.scenario.catalog import bundled_names, load
from core.scenario.load import load_scenario, parse_scenario
from core.scenario.save import save_scenario


def assert_same_scenario(a, b) -> None:
    assert a.name == b.name
    assert a.description == b.description
    assert a.input_shape == b.input_shape
    assert a.layer_specs == b.layer_specs
    assert a.loss == b.loss
    assert a.learning_rate == b.learning_rate
    assert a.batch_size == b.batch_size
    assert a.seed == b.seed
    assert a.init == b.init
    assert a.decimals == b.decimals
    assert set(a.params) == set(b.params)
    for layer, ps in a.params.items():
        assert set(ps) == set(b.params[layer])
        for p, v in ps.items():
            assert v.dtype == b.params[layer][p].dtype == np.float64
            np.testing.assert_array_equal(v, b.params[layer][p], err_msg=f"{layer}.{p}")
    assert set(a.layer_state) == set(b.layer_state)  # running statistics
    for layer, kinds in a.layer_state.items():
        for kind, v in kinds.items():
            np.testing.assert_array_equal(v, b.layer_state[layer][kind], err_msg=f"{layer}.{kind}")
    assert set(a.given) == set(b.given)  # a dropout mask as given
    for key, v in a.given.items():
        np.testing.assert_array_equal(v, b.given[key], err_msg=key)
    for which in ("samples", "test_samples"):
        sa, sb = getattr(a, which), getattr(b, which)
        assert (sa is None) == (sb is None)
        if sa is None:
            continue
        np.testing.assert_array_equal(sa.x, sb.x)
        np.testing.assert_array_equal(sa.y, sb.y)
        if sa.labels is None:
            assert sb.labels is None
        else:
            np.testing.assert_array_equal(sa.labels, sb.labels)
    assert list(a.expected) == list(b.expected)
    for name, e in a.expected.items():
        f = b.expected[name]
        assert (e.value, e.decimals, e.text) == (f.value, f.decimals, f.text), name


def test_bundled_scenarios_include_the_worked_example() -> None:
    assert "tiny-cnn" in bundled_names()


@pytest.mark.parametrize("name", bundled_names())
def test_round_trip_of_every_bundled_scenario(name: str, tmp_path: Path) -> None:
    original = load(name)
    first = tmp_path / f"{name}.yaml"
    save_scenario(original, first)
    again = load_scenario(first)
    assert_same_scenario(original, again)
    second = tmp_path / "again.yaml"
    save_scenario(again, second)
    assert first.read_bytes() == second.read_bytes()
    assert_same_scenario(original, load_scenario(second))
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp") or p.name.startswith(".")]
    assert not leftovers


@pytest.mark.parametrize("name", bundled_names())
def test_bundled_scenario_runs_one_iteration(name: str) -> None:
    stepper = Stepper(load(name))
    stepper.run_iteration()
    assert np.isfinite(stepper.value("loss"))


def test_omitted_weights_are_initialised_from_seed_and_written_out(tmp_path: Path) -> None:
    text = W.YAML.replace("    weight: [[[0.1, 0.2, 0.3]], [[0.3, 0.2, 0.1]]]\n", "").replace(
        "display: {decimals: 3}", "display: {decimals: 3}\nseed: 42")
    a = parse_scenario(text)
    b = parse_scenario(text)
    np.testing.assert_array_equal(a.params["conv"]["weight"], b.params["conv"]["weight"])
    assert a.params["conv"]["weight"].shape == (2, 1, 3)
    assert not np.all(a.params["conv"]["weight"] == 0)
    other = parse_scenario(text.replace("seed: 42", "seed: 43"))
    assert not np.array_equal(a.params["conv"]["weight"], other.params["conv"]["weight"])
    path = save_scenario(a, tmp_path / "s.yaml")
    saved = path.read_text(encoding="utf-8")
    assert saved.count("weight:") == 3
    assert_same_scenario(a, load_scenario(path))


def test_trained_parameters_round_trip_exactly(tmp_path: Path) -> None:
    stepper = Stepper(parse_scenario(W.YAML))
    for _ in range(3):
        stepper.run_iteration()
        stepper.advance_to_next()
    current = stepper.current_scenario()
    path = save_scenario(current, tmp_path / "trained.yaml")
    assert_same_scenario(current, load_scenario(path))


def test_samples_with_labels_and_targets_round_trip(tmp_path: Path) -> None:
    text = W.YAML.replace("""  - x: [[0.1, 0.0, 0.0, 0.1]]
    y: [1, 0]
""", """  - x: [[0.1, 0.0, 0.0, 0.1]]
    y: [0.25, 0.75]
  - x: [[0.3, 0.2, 0.0, -0.1]]
    label: 1
  - {x: [[1.0e-3, 2.5e-7, 0, 0.1]], label: 0}
""") + "batch_size: 2\nexpected:\n  out.out[1,0]: 0.50\n  conv.delta[0,0,1]: 1.5e-4\n  loss: 1\n"
    a = parse_scenario(text)
    np.testing.assert_array_equal(a.samples.labels, [-1, 1, 0])
    np.testing.assert_array_equal(a.samples.y, [[0.25, 0.75], [0, 1], [1, 0]])
    assert a.expected["out.out[1,0]"].decimals == 2
    assert a.expected["conv.delta[0,0,1]"].decimals == 5
    assert a.expected["loss"].decimals == 0
    path = save_scenario(a, tmp_path / "s.yaml")
    b = load_scenario(path)
    assert_same_scenario(a, b)
    saved = path.read_text(encoding="utf-8")
    assert "label: 1" in saved and "out.out[1,0]: 0.50" in saved and "1.5e-4" in saved


def test_npz_samples_round_trip(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    x = np.random.default_rng(0).normal(size=(5, 1, 4))
    np.savez(data / "d.npz", x=x, y=np.array([0, 1, 1, 0, 1]))
    src = tmp_path / "src.yaml"
    src.write_text(W.YAML.replace("""  - x: [[0.1, 0.0, 0.0, 0.1]]
    y: [1, 0]
""", "").replace("samples:\n", "samples: {file: data/d.npz}\n"), encoding="utf-8")
    a = load_scenario(src)
    np.testing.assert_array_equal(a.samples.x, x)
    np.testing.assert_array_equal(a.samples.labels, [0, 1, 1, 0, 1])
    out_dir = tmp_path / "elsewhere"
    out_dir.mkdir()
    path = save_scenario(a, out_dir / "copy.yaml")
    assert "../data/d.npz" in path.read_text(encoding="utf-8")
    assert_same_scenario(a, load_scenario(path))


def test_exponent_without_a_dot_is_a_number() -> None:
    scenario = parse_scenario(W.YAML.replace("learning_rate: 0.5", "learning_rate: 1e-3"))
    assert scenario.learning_rate == 0.001


# --- atomic save ----------------------------------------------------------------------------------

def _old_file(tmp_path: Path) -> tuple[Path, bytes]:
    path = tmp_path / "s.yaml"
    path.write_text(W.YAML, encoding="utf-8")
    return path, path.read_bytes()


def test_failing_write_leaves_the_old_file(tmp_path: Path, monkeypatch) -> None:
    path, before = _old_file(tmp_path)
    scenario = load_scenario(path)
    scenario.params["out"]["bias"] = np.array([9.0, 9.0])

    def broken_fsync(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(scenario_save.os, "fsync", broken_fsync)
    with pytest.raises(SaveError, match="No space left"):
        save_scenario(scenario, path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.yaml"]


def test_failing_rename_leaves_the_old_file(tmp_path: Path, monkeypatch) -> None:
    path, before = _old_file(tmp_path)
    scenario = load_scenario(path)
    scenario.learning_rate = 0.25

    def broken_replace(src, dst):
        raise OSError(13, "Permission denied")

    monkeypatch.setattr(scenario_save.os, "replace", broken_replace)
    with pytest.raises(SaveError, match="Permission denied"):
        save_scenario(scenario, path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.yaml"]


def test_interrupted_write_leaves_the_old_file(tmp_path: Path, monkeypatch) -> None:
    path, before = _old_file(tmp_path)
    scenario = load_scenario(path)
    real_fdopen = os.fdopen

    class Half:
        def __init__(self, handle):
            self.handle = handle

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.handle.close()
            return False

        def write(self, data):
            self.handle.write(data[: len(data) // 2])
            raise KeyboardInterrupt

    monkeypatch.setattr(scenario_save.os, "fdopen", lambda fd, mode: Half(real_fdopen(fd, mode)))
    with pytest.raises(KeyboardInterrupt):
        save_scenario(scenario, path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.yaml"]


def test_unloadable_result_is_not_saved(tmp_path: Path) -> None:
    path, before = _old_file(tmp_path)
    scenario = load_scenario(path)
    scenario.learning_rate = -1.0
    with pytest.raises(ScenarioError, match=r"s.yaml: learning_rate: the file as it would be saved does not load "
                                            r"back \(nothing was written\): expected a number > 0, got −?-?1.0"):
        save_scenario(scenario, path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.yaml"]


def test_save_into_missing_folder_or_onto_a_folder(tmp_path: Path) -> None:
    scenario = parse_scenario(W.YAML)
    with pytest.raises(SaveError, match="does not exist"):
        save_scenario(scenario, tmp_path / "nope" / "s.yaml")
    with pytest.raises(SaveError, match="folder"):
        save_scenario(scenario, tmp_path)


def test_save_replaces_an_existing_file(tmp_path: Path) -> None:
    path, before = _old_file(tmp_path)
    scenario = load_scenario(path)
    scenario.params["fc"]["bias"] = np.array([0.125, -1 / 3])
    save_scenario(scenario, path)
    assert path.read_bytes() != before
    np.testing.assert_array_equal(load_scenario(path).params["fc"]["bias"], [0.125, -1 / 3])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.yaml"]


# --- expected values ----------------------------------------------------------------------------

@pytest.mark.parametrize("text, decimals", [("0.706", 3), ("-0.5", 1), ("2", 0), ("1.5e-3", 4), ("0.50", 2),
                                            ("-0.0001", 4), ("3e2", 0), ("0.0004", 4)])
def test_written_decimals(text: str, decimals: int) -> None:
    assert written_decimals(text) == decimals


def test_expected_tolerance_follows_written_decimals() -> None:
    e = Expected(0.706, 3, "0.706")
    assert e.tolerance == pytest.approx(1e-3)
    assert e.matches(0.706481) and e.matches(0.7069) and e.matches(0.7051)
    assert not e.matches(0.7071) and not e.matches(0.7049)
    assert e.matches(0.707)  # exactly 10^−3 away still matches
    coarse = Expected(0.7, 1, "0.7")
    assert coarse.matches(0.706481) and coarse.matches(0.79) and not coarse.matches(0.81)
    small = Expected(0.0004, 4, "0.0004")
    assert small.matches(0.00049) and not small.matches(0.0013988)


def test_expected_keeps_written_text_and_decimals() -> None:
    scenario = parse_scenario(W.YAML + "expected:\n  out.out[0]: 0.70\n  fc.delta[1]: -0.028\n  loss: 0.3\n")
    e = scenario.expected
    assert (e["out.out[0]"].value, e["out.out[0]"].decimals, e["out.out[0]"].text) == (0.7, 2, "0.70")
    assert e["fc.delta[1]"].decimals == 3 and e["loss"].decimals == 1
    assert list(e) == ["out.out[0]", "fc.delta[1]", "loss"]


def test_large_samples_and_test_samples_each_get_their_own_npz(tmp_path: Path) -> None:
    """Found in review: both sets went to one npz and the training samples were lost."""
    rng = np.random.default_rng(1)
    x, xt = rng.random((4100, 50)), rng.random((4200, 50)) + 100.0  # over 200,000 numbers each
    np.savez(tmp_path / "train.npz", x=x, y=rng.integers(0, 2, 4100))
    np.savez(tmp_path / "test.npz", x=xt, y=rng.integers(0, 2, 4200))
    text = """format: 1
name: big
input: [50]
samples: {file: train.npz}
test_samples: {file: test.npz}
layers: [{type: dense, units: 2, activation: softmax}]
loss: cross_entropy
learning_rate: 0.1
"""
    (tmp_path / "big.yaml").write_text(text, encoding="utf-8")
    scenario = load_scenario(tmp_path / "big.yaml")
    # as if edited: no longer tied to their npz files, and too many to write inline
    scenario.samples = dataclasses.replace(scenario.samples, source=None, file=None)
    scenario.test_samples = dataclasses.replace(scenario.test_samples, source=None, file=None)
    out = tmp_path / "out"
    out.mkdir()
    saved = load_scenario(save_scenario(scenario, out / "copy.yaml"))
    np.testing.assert_array_equal(saved.samples.x, x)
    np.testing.assert_array_equal(saved.test_samples.x, xt)
    assert sorted(p.name for p in out.iterdir()) == ["copy.samples.npz", "copy.test_samples.npz", "copy.yaml"]


def test_saved_files_get_the_usual_permissions(tmp_path: Path) -> None:
    mask = os.umask(0o022)
    try:
        path = save_scenario(load_scenario(tmp_path / _old_file(tmp_path)[0].name), tmp_path / "new.yaml")
    finally:
        os.umask(mask)
    assert path.stat().st_mode & 0o777 == 0o644
