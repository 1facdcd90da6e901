"""The network editor's draft: every change checked by the loader, parameters kept while they fit."""

from __future__ import annotations

import numpy as np
import pytest
import yaml

from core.errors import ScenarioError
from core.exports.report import solve
from core.scenario.catalog import load
from core.scenario.draft import DesignError, Draft
from core.scenario.load import parse_scenario

CONV = "{name: conv, type: conv1d, filters: 2, kernel: 3, activation: sigmoid, " \
       "weight: [[[0.1, 0.2, 0.3]], [[0.3, 0.2, 0.1]]], bias: [0.5, -0.5]}"
POOL = "{name: pool, type: maxpool1d, size: 2}"
FC = "{name: fc, type: dense, units: 2, activation: sigmoid, weight: [[0.1, 0.2], [-0.1, -0.2]], bias: [0.3, -0.3]}"
OUT = "{name: out, type: dense, units: 2, activation: softmax, weight: [[0.1, 0.2], [-0.1, -0.2]], bias: [0.3, -0.3]}"


def notes_network() -> Draft:
    """tiny-cnn, the notes' network, built from the blank draft one change at a time."""
    d = Draft.blank()
    d = d.with_setting("samples", "[{x: [[0.1, 0.0, 0.0, 0.1]], y: [1, 0]}]")
    d = d.with_setting("learning_rate", "0.5")
    d = d.with_new_layer(-1, "conv1d").with_layer(0, CONV)
    d = d.with_new_layer(0, "maxpool1d").with_layer(1, POOL)
    d = d.with_new_layer(1, "dense").with_layer(2, FC)
    return d.with_layer(3, OUT)


def test_the_blank_draft_is_one_softmax_layer_on_four_inputs() -> None:
    d = Draft.blank()
    [row] = d.rows()
    assert (row.line, row.reads, row.makes, row.parameters) == (
        "{name: out, type: dense, units: 2, activation: softmax}", "[1, 4]", "[2]", 10)
    assert d.setting("loss") == "cross_entropy" and d.setting("learning_rate") == "0.1"


def test_building_the_notes_network_from_blank_solves_as_tiny_cnn() -> None:
    d = notes_network()
    assert [r.line.split(",")[1].strip() for r in d.rows()] == ["type: conv1d", "type: maxpool1d", "type: dense",
                                                                "type: dense"]
    assert [r.makes for r in d.rows()] == ["[2, 2]", "[2, 1]", "[2]", "[2]"]
    assert [r.parameters for r in d.rows()] == [8, 0, 6, 6]
    built, notes = solve(d.scenario)[0], solve(load("tiny-cnn"))[0]
    assert built.values == notes.values
    assert built.loss == notes.loss


def test_a_refused_change_says_what_the_loader_says_and_keeps_the_draft() -> None:
    d = notes_network()
    with pytest.raises(DesignError) as err:
        d.with_layer(0, "{name: conv, type: conv1d, filters: 2, kernel: 5, activation: sigmoid}")
    # the same layer in a file: the loader's words, after the file's name and line
    text = yaml.safe_dump({"format": 1, "name": "t", "input": [1, 4], "samples": [{"x": [[0, 0, 0, 0]], "y": [1, 0]}],
                           "layers": [{"name": "conv", "type": "conv1d", "filters": 2, "kernel": 5,
                                       "activation": "sigmoid"}, {"name": "out", "type": "dense", "units": 2,
                                                                  "activation": "softmax"}],
                           "loss": "cross_entropy", "learning_rate": 0.5}, sort_keys=False)
    with pytest.raises(ScenarioError) as file_err:
        parse_scenario(text)
    assert err.value.reason == f"{file_err.value.field}: {file_err.value.reason}"
    assert str(err.value).startswith("the design: layers[0].kernel: ")
    assert len(d.rows()) == 4 and d.rows()[0].line.startswith("{name: conv, type: conv1d, filters: 2, kernel: 3")
    with pytest.raises(DesignError, match="loss: unknown loss 'hinge'"):
        d.with_setting("loss", "hinge")
    with pytest.raises(DesignError, match="learning_rate: expected a number > 0, got 0"):
        d.with_setting("learning_rate", "0")
    with pytest.raises(DesignError, match="batch_size: expected a whole number"):
        d.with_setting("batch_size", "1.5")
    with pytest.raises(DesignError, match="layers\\[1\\]: expected a layer written as a file writes it"):
        d.with_layer(1, "[1, 2]")


def test_kept_parameters_stay_while_their_shape_does_and_new_ones_come_from_the_seed() -> None:
    d = Draft.from_scenario(load("tiny-cnn"))
    conv = d.scenario.params["conv"]["weight"].copy()
    wider = d.with_layer(2, "{name: fc, type: dense, units: 3, activation: sigmoid}")
    assert np.array_equal(wider.scenario.params["conv"]["weight"], conv)  # untouched layer: kept
    assert wider.scenario.params["fc"]["weight"].shape == (3, 2)  # new shape: drawn from the seed
    assert "fc.weight" in wider.scenario.initialised and "conv.weight" not in wider.scenario.initialised
    # a file that leaves fc's parameters out draws the same ones
    tiny = load("tiny-cnn")
    given = {p: tiny.params["conv"][p].tolist() for p in ("weight", "bias")}
    doc = {"format": 1, "name": "t", "input": [1, 4], "samples": [{"x": [[0.1, 0, 0, 0.1]], "y": [1, 0]}],
           "layers": [{"name": "conv", "type": "conv1d", "filters": 2, "kernel": 3, "activation": "sigmoid", **given},
                      {"name": "pool", "type": "maxpool1d", "size": 2},
                      {"name": "fc", "type": "dense", "units": 3, "activation": "sigmoid"},
                      {"name": "out", "type": "dense", "units": 2, "activation": "softmax",
                       "weight": wider.scenario.params["out"]["weight"].tolist(),
                       "bias": tiny.params["out"]["bias"].tolist()}],
           "loss": "cross_entropy", "learning_rate": 0.5}
    drawn = parse_scenario(yaml.safe_dump(doc, sort_keys=False))
    assert np.array_equal(wider.scenario.params["fc"]["weight"], drawn.params["fc"]["weight"])
    # the next change keeps what was drawn
    later = wider.with_setting("learning_rate", "0.25")
    assert np.array_equal(later.scenario.params["fc"]["weight"], wider.scenario.params["fc"]["weight"])


def test_add_remove_and_reorder_layers() -> None:
    d = Draft.from_scenario(load("tiny-cnn"))
    added = d.with_new_layer(2, "dense")
    assert [r.name for r in added.rows()] == ["conv", "pool", "fc", "dense1", "out"]
    assert added.rows()[3].line == "{name: dense1, type: dense, units: 2, activation: relu}"
    removed = added.without_layer(3)
    assert [r.name for r in removed.rows()] == ["conv", "pool", "fc", "out"]
    with pytest.raises(DesignError, match="softmax is allowed on the last layer only"):
        d.with_layer_moved(2, 1)  # fc after out: out's softmax would not be last
    two = Draft.blank().with_new_layer(-1, "dense").with_layer(0, "{name: h, type: dense, units: 3, activation: relu}")
    two = two.with_new_layer(0, "dense")
    assert [(r.name, r.reads) for r in two.rows()] == [("h", "[1, 4]"), ("dense1", "[3]"), ("out", "[2]")]
    moved = two.with_layer_moved(0, 1)
    assert [(r.name, r.reads) for r in moved.rows()] == [("dense1", "[1, 4]"), ("h", "[2]"), ("out", "[3]")]
    with pytest.raises(DesignError, match="already at that end"):
        d.with_layer_moved(0, -1)
    with pytest.raises(DesignError, match="at least one layer"):
        Draft.blank().without_layer(0)
    with pytest.raises(DesignError, match="layers\\[1\\].type: unknown layer type 'lstm'"):
        d.with_new_layer(0, "lstm")


def test_samples_written_in_the_design_follow_a_new_input_and_output() -> None:
    d = Draft.blank().with_setting("input", "[1, 6]")
    assert d.setting("samples") == "[{x: [[0.0, 0.0, 0.0, 0.0, 0.0, 0.0]], y: [1.0, 0.0]}]"
    assert d.notes and "the samples were set to fit the network" in d.notes[0]
    d = d.with_layer(0, "{name: out, type: dense, units: 3, activation: softmax}")
    assert d.setting("samples") == "[{x: [[0.0, 0.0, 0.0, 0.0, 0.0, 0.0]], y: [1.0, 0.0, 0.0]}]"


def test_a_scenario_with_an_npz_keeps_reading_it_and_the_optimizer_is_a_setting() -> None:
    d = Draft.from_scenario(load("digits"))
    assert d.setting("samples") == "{file: digits-train.npz}"
    assert len(d.scenario.samples) == 1437
    d = d.with_setting("optimizer", "{type: sgd, momentum: 0.9}").with_setting("batch_size", "4")
    assert d.scenario.optimizer.options["momentum"] == 0.9 and d.scenario.batch_size == 4
    with pytest.raises(DesignError, match="optimizer"):
        d.with_setting("optimizer", "{type: sgd, momentum: -1}")


def test_a_design_keeps_each_layers_mask_and_running_statistics() -> None:
    """The editor started from a scenario drew dropout's mask anew and reset batch norm's
    running statistics: opening it unchanged changed the loss (0.059 → 0.693)."""
    from core.engine.stepper import Stepper

    for name in ("dropout-tiny", "batchnorm-tiny"):
        stepper = Stepper(load(name))
        stepper.run_iteration()
        saved = stepper.current_scenario()  # after the update: running statistics moved on
        design = Draft.from_scenario(saved).scenario
        assert {k: v.tolist() for k, v in design.given.items()} == {k: v.tolist() for k, v in saved.given.items()}
        assert {k: {s: a.tolist() for s, a in v.items()} for k, v in design.layer_state.items()} == \
            {k: {s: a.tolist() for s, a in v.items()} for k, v in saved.layer_state.items()}
        again, before = Stepper(design), Stepper(saved)
        again.run_iteration()
        before.run_iteration()
        assert again.value("loss") == before.value("loss")


def test_every_layer_type_can_be_added_from_its_own_starting_fields() -> None:
    """A new layer begins with what its class says (``Field.start``, the starting activation),
    so a layer type added to core/nn/layers is addable in the editor without a table here.
    Only a layer whose required field has no guess (add's ``inputs``) is refused, with the
    loader's own message."""
    from core.nn.layers import LAYER_CLASSES

    refused = {}
    for kind, cls in LAYER_CLASSES.items():
        shape = next(s for s, spec in cls.examples if spec["type"] == kind)
        d = Draft.blank().with_setting("input", str(list(shape)))
        try:
            row = d.with_new_layer(-1, kind).rows()[0]
        except DesignError as e:
            refused[kind] = str(e)
            continue
        assert row.name == f"{kind}1"
        expected = {f.name: f.start for f in cls.fields if f.start is not None}
        for name, value in expected.items():
            assert f"{name}: {value}" in row.line
        assert ("activation: relu" in row.line) == cls.activated
    assert refused == {"add": "the design: layers[0]: an add layer needs 'inputs' (two or more layer names, or input)"}
