"""Issue 2, check 6: every invalid scenario file gives one clear message naming file, line and field.

Each file in tests/fixtures/bad/ is the worked example with exactly one fault.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fixtures.cli_run import FIXTURES, run_cli

from core.errors import ScenarioError
from core.scenario.load import load_scenario
from tui.cli import main

BAD = FIXTURES / "bad"

# file: (line, field or None, words the message must contain)
CASES: dict[str, tuple[int | None, str | None, tuple[str, ...]]] = {
    "yaml_syntax.yaml": (29, None, ("not valid YAML", "mapping values")),
    "yaml_bad_indent.yaml": (18, None, ("not valid YAML",)),
    "python_tag.yaml": (2, "name", ("!!python/object/apply:os.system", "refused")),
    "duplicate_key.yaml": (30, "learning_rate", ("given twice",)),
    "not_a_mapping.yaml": (1, None, ("expected a scenario", "mapping")),
    "missing_loss.yaml": (1, None, ("required field 'loss' is missing",)),
    "format_2.yaml": (1, "format", ("format 2 is not supported", "format 1")),
    "unknown_top_field.yaml": (29, "learning_rat", ("unknown field 'learning_rat'", "learning_rate")),
    "unknown_layer_type.yaml": (15, "layers[1].type", ("unknown layer type 'maxpool3d'", "maxpool1d")),
    "unknown_activation.yaml": (19, "layers[2].activation", ("unknown activation 'sigmod'", "sigmoid")),
    "softmax_not_last.yaml": (19, "layers[2].activation", ("softmax", "last layer")),
    "layer_field_typo.yaml": (10, "layers[0].filter", ("unknown field 'filter'", "filters")),
    "wrong_weight_shape.yaml": (20, "layers[2].weight", ("fc.weight", "shape [2, 2]")),
    "wrong_bias_shape.yaml": (14, "layers[0].bias", ("conv.bias", "shape [2]")),
    "nan_weight.yaml": (13, "layers[0].weight[0][0][1]", ("non-finite", "nan")),
    "inf_input.yaml": (5, "samples[0].x[0][2]", ("non-finite", "inf")),
    "text_number.yaml": (27, "layers[3].bias[1]", ("expected a number", "minus 0.3")),
    "bool_number.yaml": (29, "learning_rate", ("expected a number", "true")),
    "target_length.yaml": (6, "samples[0].y", ("must have 2 values", "got 3")),
    "ce_targets_sum.yaml": (6, "samples[0].y", ("cross_entropy", "sum to 1")),
    "label_out_of_range.yaml": (6, "samples[0].label", ("class 2 does not exist", "2 outputs")),
    "label_and_y.yaml": (5, "samples[0]", ("either a target 'y' or a class 'label'", "both")),
    "x_wrong_shape.yaml": (5, "samples[0].x", ("input x", "shape [1, 4]")),
    "dense_then_conv.yaml": (17, "layers[3]", ("conv1d", "[channels, length]", "'mid' gives [4]")),
    "kernel_too_large.yaml": (11, "layers[0].kernel", ("kernel 5 does not fit", "length 4")),
    "learning_rate_zero.yaml": (29, "learning_rate", ("> 0",)),
    "learning_rate_negative.yaml": (29, "learning_rate", ("> 0", "-0.1")),
    "batch_size_zero.yaml": (30, "batch_size", ("≥ 1", "got 0")),
    "stride_zero.yaml": (15, "layers[1].stride", ("≥ 1", "got 0")),
    "negative_padding.yaml": (12, "layers[0].padding", ("≥ 0", "got -1")),
    "duplicate_layer_name.yaml": (22, "layers[3].name", ("'fc'", "used twice")),
    "invalid_layer_name.yaml": (16, "layers[2].name", ("invalid layer name 'Fully-Connected'", "lower-case")),
    "frozen_foo.yaml": (15, "layers[0].frozen", ("[weight]", "foo")),
    "expected_missing_layer.yaml": (33, "expected.hidden.out[0]", ("no layer 'hidden'",)),
    "expected_index_out_of_range.yaml": (33, "expected.fc.delta[2]", ("does not exist", "shape [2]")),
    "expected_not_scalar.yaml": (32, "expected.fc.delta", ("name one value",)),
    "expected_pool_delta.yaml": (32, "expected.pool.delta[0,0]", ("has no 'delta'",)),
    "display_decimals.yaml": (30, "display.decimals", ("0 to 15", "20")),
    "npz_missing.yaml": (4, "samples.file", ("no_such_samples.npz", "does not exist")),
    "npz_wrong_shape.yaml": (4, "samples.file", ("wrong_shape.npz", "[3, 1, 5]", "[N, 1, 4]")),
    "empty.yaml": (None, None, ("empty",)),
    "no_layers.yaml": (7, "layers", ("one or more layers",)),
    "missing_units.yaml": (16, "layers[2]", ("needs 'units'",)),
    "input_not_a_shape.yaml": (3, "input", ("shape of one sample",)),
}


def test_every_bad_file_has_a_case() -> None:
    files = {p.name for p in BAD.glob("*.yaml")}
    assert files == set(CASES)
    assert len(files) >= 30


def _check_message(message: str, path: Path, line: int | None, field: str | None, words: tuple[str, ...]) -> None:
    assert "\n" not in message.strip(), "one message, one line"
    where = f"{path}:{line}:" if line is not None else f"{path}:"
    assert message.startswith(where), f"{message!r} does not start with {where!r}"
    if field is not None:
        assert message.startswith(f"{where} {field}"), message
    for word in words:
        assert word in message, f"{word!r} not in {message!r}"
    assert "Traceback" not in message


@pytest.mark.parametrize("name", sorted(CASES))
def test_load_refuses_with_file_line_field(name: str) -> None:
    line, field, words = CASES[name]
    path = BAD / name
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    err = info.value
    assert err.file == str(path)
    assert err.line == line
    if field is not None:
        assert err.field is not None and err.field.startswith(field), err.field
    _check_message(str(err), path, line, field, words)


@pytest.mark.parametrize("name", sorted(CASES))
def test_check_command_exit_1(name: str, capsys) -> None:
    line, field, words = CASES[name]
    path = BAD / name
    assert main(["check", str(path)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("cnn-tui: ")
    assert err.count("\n") == 1
    _check_message(err[len("cnn-tui: "):], path, line, field, words)


@pytest.mark.parametrize("name", ["python_tag.yaml", "yaml_syntax.yaml", "softmax_not_last.yaml",
                                  "npz_wrong_shape.yaml", "empty.yaml"])
def test_check_command_subprocess(name: str) -> None:
    result = run_cli("check", str(BAD / name))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert str(BAD / name) in result.stderr


def test_python_tag_is_never_run(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    path = tmp_path / "evil.yaml"
    path.write_text((BAD / "python_tag.yaml").read_text(encoding="utf-8").replace("echo pwned", f"touch {marker}"),
                    encoding="utf-8")
    with pytest.raises(ScenarioError, match="refused"):
        load_scenario(path)
    assert not marker.exists()


def test_file_over_10_mb_is_refused(tmp_path: Path, capsys) -> None:
    path = tmp_path / "huge.yaml"
    head = (BAD.parent / "bad" / "learning_rate_zero.yaml").read_text(encoding="utf-8")
    head = head.replace("learning_rate: 0", "learning_rate: 0.5")
    head = head.replace("samples:\n", "samples:\n" + "  - {x: [[0.1, 0.0, 0.0, 0.1]], y: [1, 0]}\n" * 260_000)
    path.write_text(head, encoding="utf-8")
    assert path.stat().st_size > 10 * 1024 * 1024
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    message = str(info.value)
    assert message.startswith(str(path))
    assert "10 MB" in message and "npz" in message
    assert main(["check", str(path)]) == 1
    _, err = capsys.readouterr()
    assert "npz" in err and err.count("\n") == 1


def test_missing_file_and_folder(tmp_path: Path, capsys) -> None:
    assert main(["check", str(tmp_path / "nope.yaml")]) == 1
    assert "no such file" in capsys.readouterr().err
    assert main(["check", str(tmp_path)]) == 1
    assert "folder" in capsys.readouterr().err


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "binary.yaml"
    path.write_bytes(b"format: 1\nname: \xff\xfe\n")
    with pytest.raises(ScenarioError, match="UTF-8"):
        load_scenario(path)
