"""Issue 8: the resource budget refuses, from shapes alone, what would not fit in memory.

Each refusal names the field, the size asked and the limit. The sizes the budget works out
from the specs are checked against the layers actually built, so the budget and the engine
cannot drift apart; the bench network (100k parameters, 10k samples) still loads.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from core.engine.stepper import Stepper
from core.errors import CnnTuiError, ScenarioError
from core.exports.report import quantity_names, solve, values_per_iteration
from core.scenario import budget
from core.scenario.catalog import bundled_names, load
from core.scenario.load import load_scenario, parse_scenario
from tui.cli import solve_refusal

HEAD = """format: 1
name: budget
input: {input}
{extra}samples: {samples}
layers:
{layers}
loss: mse
learning_rate: 0.1
"""


def scenario_text(input_shape: str, layers: list[str], samples: str = "[{x: 0, y: [1.0]}]",
                  extra: str = "") -> str:
    return HEAD.format(input=input_shape, extra=extra, samples=samples,
                       layers="\n".join(f"  - {layer}" for layer in layers))


def refusal(text: str) -> str:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text, file="bomb.yaml")
    return str(caught.value)


def test_a_200_byte_pool_asking_for_a_2_5_billion_entry_window_table_is_refused() -> None:
    text = scenario_text("[1, 100000]", ["{type: maxpool1d, size: 50000, stride: 1}"])
    assert len(text) < 200
    message = refusal(text)
    assert message.startswith("bomb.yaml:6: layers[0]: ")
    assert "2,500,050,000 entries" in message  # 50,001 positions × 50,000 elements
    assert f"the limit is {budget.MAX_WINDOW_ENTRIES:,}" in message


def test_a_huge_batch_of_a_wide_dense_layer_is_refused_at_batch_size() -> None:
    text = scenario_text("[10]", ["{type: dense, units: 1000}"], extra="batch_size: 100000\n")
    message = refusal(text)
    per_sample = 10 + 1000 + 4 * 1000  # input, target, net/out/grad_out/delta
    asked = 100_000 * per_sample + 3 * (1000 * 10 + 1000)
    assert message.startswith("bomb.yaml:4: batch_size: ")
    assert f"{asked:,} values" in message and f"{per_sample:,} per sample" in message
    assert f"the limit is {budget.MAX_ITERATION_VALUES:,}" in message


def test_too_many_parameters_are_refused_at_the_layer_that_passes_the_limit() -> None:
    fits = [{"type": "dense", "name": "a", "units": 10}, {"type": "dense", "name": "b", "units": 1}]
    budget.check_network((100_000,), fits, 1)  # 1,000,021 parameters: within the limit
    assert sum(s.parameters for s in budget.layer_sizes((100_000,), fits)) == 1_000_021
    text = scenario_text("[100000]", ["{type: dense, units: 60}"])
    message = refusal(text)
    assert "layers[0]: the network has 6,000,060 parameters up to 'dense1'" in message
    assert f"the limit is {budget.MAX_PARAMETERS:,}" in message


def test_a_window_of_too_many_elements_is_refused_at_its_size() -> None:
    text = scenario_text("[1, 1000, 1000]", ["{type: avgpool2d, size: [300, 300]}"])
    message = refusal(text)
    assert "layers[0].size: a window of 90,000 elements (300 × 300)" in message
    assert f"limit of {budget.MAX_WINDOW:,}" in message


def test_the_window_tables_of_all_layers_count_together() -> None:
    big = {"type": "conv2d", "name": "big", "filters": 2, "kernel": (100, 100)}
    wide = {"type": "conv2d", "name": "wide", "filters": 1, "kernel": (31, 31), "padding": (15, 15)}
    one_by_one = {"type": "conv2d", "name": "one", "filters": 1, "kernel": 1}
    sizes = budget.layer_sizes((2, 130, 130), [big, wide])
    assert [s.window_entries for s in sizes] == [31 * 31 * 10_000, 31 * 31 * 961]
    assert all(s.window_entries <= budget.MAX_WINDOW_ENTRIES for s in sizes)  # each alone fits
    budget.check_network((2, 130, 130), [big, one_by_one], 1)
    entries = 31 * 31 * 10_000 + 31 * 31 * 961
    text = scenario_text("[2, 130, 130]", ["{type: conv2d, filters: 2, kernel: [100, 100]}",
                                           "{type: conv2d, filters: 1, kernel: [31, 31], padding: [15, 15]}",
                                           "{type: flatten}", "{type: dense, units: 1}"])
    message = refusal(text)
    assert f"layers: the layers' windows need index tables of {entries:,} entries in all" in message


@pytest.mark.parametrize("name", bundled_names())
def test_the_budget_sizes_match_the_layers_built(name: str) -> None:
    scenario = load(name)
    sizes = budget.layer_sizes(scenario.input_shape, scenario.layer_specs)
    assert len(sizes) == len(scenario.network.layers)
    for size, layer in zip(sizes, scenario.network.layers):
        assert size.out == math.prod(layer.out_shape), layer.name
        assert size.parameters == sum(math.prod(s) for s in layer.param_shapes().values()), layer.name
        geometry = getattr(layer, "geometry", None)
        assert size.window_entries == (geometry.table.index.size if geometry else 0), layer.name


MOMENTUM = "optimizer: {type: sgd, momentum: 0.9}\n"


@pytest.mark.parametrize("name", bundled_names() + ["tiny-cnn with momentum, conv bias frozen"])
def test_values_per_iteration_counts_every_array_a_solve_record_keeps(name: str) -> None:
    if name.startswith("tiny-cnn with"):
        from core.scenario.catalog import resolve

        text = resolve("tiny-cnn").read_text(encoding="utf-8") + MOMENTUM
        scenario = parse_scenario(text.replace("    activation: sigmoid\n", "    activation: sigmoid\n"
                                               "    frozen: [bias]\n", 1))
        assert scenario.network.state_kinds_of(scenario.network.layers[0]) == ("momentum_buffer_weight",)
    else:
        scenario = load(name)
    stepper = Stepper(scenario)
    stepper.run_iteration()
    kept = sum(np.asarray(stepper.array(n)).size for n in quantity_names(stepper))
    assert values_per_iteration(scenario) == kept


def test_solve_refuses_iterations_over_the_budget_naming_the_option() -> None:
    scenario = load("tiny-cnn")
    per = values_per_iteration(scenario)
    most = budget.MAX_SOLVE_VALUES // per
    with pytest.raises(CnnTuiError) as caught:
        solve(scenario, most + 1)
    err = caught.value
    assert isinstance(err, budget.SolveTooLarge)  # the numbers, for a command to phrase
    assert (err.iterations, err.per_iteration, err.limit, err.most) == (most + 1, per, budget.MAX_SOLVE_VALUES, most)
    assert str(err) == (f"{most + 1:,} iterations would keep {(most + 1) * per:,} values ({per:,} per iteration); "
                        f"the limit is {budget.MAX_SOLVE_VALUES:,}: ask for at most {most:,}")
    assert "--" not in str(err) and "train" not in str(err)  # core names no command-line option
    message = solve_refusal(err)  # the command says it with its option
    assert message == (f"--iterations {most + 1:,} would keep {(most + 1) * per:,} values ({per:,} per "
                       f"iteration); the limit is {budget.MAX_SOLVE_VALUES:,}: ask for at most {most:,}")
    explained_most = budget.MAX_EXPLAINED_VALUES // per
    with pytest.raises(CnnTuiError, match=f"at most {explained_most:,}"):
        solve(scenario, explained_most + 1, explained=True)
    assert len(solve(scenario, 2, explained=True)) == 2


def test_cli_solve_refuses_a_million_iterations_with_one_line(cli) -> None:
    result = cli("solve", "digits", "--iterations", "1000000")
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1, result.stderr
    assert "--iterations 1,000,000" in result.stderr and "at most" in result.stderr


BENCH = """format: 1
name: bench-scale
input: [1, 28, 28]
samples: {file: data.npz}
seed: 1
init: he
layers:
  - {name: conv, type: conv2d, filters: 8, kernel: 5, activation: relu}
  - {name: pool, type: maxpool2d, size: 2}
  - {name: flat, type: flatten}
  - {name: hidden, type: dense, units: 86, activation: relu}
  - {name: out, type: dense, units: 10, activation: softmax}
loss: cross_entropy
learning_rate: 0.01
"""


def test_the_bench_network_with_10k_samples_still_loads(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    np.savez(tmp_path / "data.npz", x=rng.random((10_000, 1, 28, 28), dtype=np.float32),
             y=rng.integers(0, 10, 10_000))
    (tmp_path / "bench.yaml").write_text(BENCH, encoding="utf-8")
    scenario = load_scenario(tmp_path / "bench.yaml")
    assert scenario.network.parameter_count == 100_236
    assert scenario.samples.x.shape == (10_000, 1, 28, 28)


def test_train_and_test_samples_count_together(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(budget, "MAX_SAMPLE_VALUES", 100)
    np.savez(tmp_path / "a.npz", x=np.zeros((8, 4)), y=np.zeros((8, 1)))  # 8 × 5 = 40 values
    text = scenario_text("[4]", ["{type: dense, units: 1}"], samples="{file: a.npz}",
                         extra="test_samples: {file: a.npz}\n")
    (tmp_path / "two.yaml").write_text(text, encoding="utf-8")
    assert len(load_scenario(tmp_path / "two.yaml").test_samples) == 8  # 80 values
    np.savez(tmp_path / "a.npz", x=np.zeros((12, 4)), y=np.zeros((12, 1)))  # 60 + 60 > 100
    with pytest.raises(ScenarioError) as caught:
        load_scenario(tmp_path / "two.yaml")
    message = str(caught.value)
    assert "test_samples.file: 12 samples × 5 values (input and target) is 60 values, with 60 in the " \
           "other samples; the limit is 100" in message


WIDE_OUTPUT = """format: 1
name: wide output
input: [1]
samples: SAMPLES
layers:
  - {type: dense, units: 100000, activation: softmax}
loss: cross_entropy
learning_rate: 0.1
"""


def test_labels_of_a_100000_class_output_do_not_build_a_100000_square_matrix(tmp_path: Path) -> None:
    """One-hot targets are made row by row: ``np.eye(100000)`` would ask for 74.5 GiB."""
    scenario = parse_scenario(WIDE_OUTPUT.replace("SAMPLES", "[{x: [0], label: 99999}, {x: [1], label: 3}]"))
    assert scenario.samples.y.shape == (2, 100_000)
    assert scenario.samples.y.sum() == 2 and scenario.samples.y[0, 99_999] == scenario.samples.y[1, 3] == 1
    np.savez(tmp_path / "d.npz", x=np.zeros((2, 1)), y=np.array([99_999, 3]))
    (tmp_path / "s.yaml").write_text(WIDE_OUTPUT.replace("SAMPLES", "{file: d.npz}"), encoding="utf-8")
    np.testing.assert_array_equal(load_scenario(tmp_path / "s.yaml").samples.y, scenario.samples.y)


def test_inline_samples_count_against_the_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(budget, "MAX_SAMPLE_VALUES", 1_000_000)
    samples = "[" + ", ".join(["{x: [0], label: 1}"] * 11) + "]"
    message = refusal(WIDE_OUTPUT.replace("SAMPLES", samples))
    assert "bomb.yaml:4: samples: 11 samples × 100,001 values (input and target) is 1,100,011 values; " \
           "the limit is 1,000,000" in message


def test_the_zero_padded_grid_counts_even_when_a_huge_stride_leaves_few_windows() -> None:
    """kernel 1, stride and padding 100,000 on a 1×1 input: 9 windows over a 200,001² grid."""
    layers = ["{type: conv2d, filters: 1, kernel: 1, stride: 100000, padding: 100000}", "{type: flatten}",
              "{type: dense, units: 1}"]
    size = budget.layer_sizes((1, 1, 1), [{"type": "conv2d", "name": "c", "filters": 1, "kernel": 1,
                                           "stride": 100_000, "padding": 100_000}])[0]
    assert size.out == 9 and size.window_entries == 9
    assert size.kept == 4 * 9 + 9 + 200_001 ** 2
    message = refusal(scenario_text("[1, 1, 1]", layers, samples="[{x: [[[0]]], y: [1.0]}]"))
    assert "layers: one iteration would keep" in message


def test_solve_of_one_iteration_over_the_budget_says_to_lower_the_batch() -> None:
    assert budget.check_solve(1, budget.MAX_SOLVE_VALUES, explained=False) is None
    refusal = budget.check_solve(1, budget.MAX_SOLVE_VALUES + 1, explained=False)
    assert refusal is not None and refusal.one_too_many
    assert str(refusal) == (f"one iteration of this scenario keeps {budget.MAX_SOLVE_VALUES + 1:,} values; at most "
                            f"{budget.MAX_SOLVE_VALUES:,} can be kept: lower batch_size")
    assert solve_refusal(refusal) == (f"one iteration of this scenario keeps {budget.MAX_SOLVE_VALUES + 1:,} "
                                      f"values; solve can keep at most {budget.MAX_SOLVE_VALUES:,}: lower "
                                      "batch_size, or use train")
    explained = budget.check_solve(1, budget.MAX_EXPLAINED_VALUES + 1, explained=True)
    assert explained is not None and solve_refusal(explained).endswith(
        f"solve can keep at most {budget.MAX_EXPLAINED_VALUES:,} with derivations (text and markdown): lower "
        "batch_size, or use train")


def test_more_than_ten_thousand_layers_are_refused() -> None:
    flatten = ["{type: flatten}"] * 10_000
    budget.check_network((1,), [{"type": "flatten", "name": f"f{i}"} for i in range(10_000)], 1)
    message = refusal(scenario_text("[1]", flatten + ["{type: dense, units: 1}"]))
    assert message.startswith("bomb.yaml:5: layers: the network has 10,001 layers; the limit is 10,000")
